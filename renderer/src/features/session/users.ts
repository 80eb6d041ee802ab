// The test users of the demo environment (fixtures/users.json). A real install logs in with HelseID.
import usersJson from '../../../../fixtures/users.json';

export type UserRole = 'gp' | 'nurse' | 'ooh-doctor' | 'pharmacist';

export interface TestUser {
  id: string;
  name: string;
  hpr: string;
  role: UserRole;
  organisation: { name: string; orgNr: string; her: string };
  units: string[];
}

export const testUsers: readonly TestUser[] = usersJson as TestUser[];

export function findUser(id: string | null | undefined, users: readonly TestUser[] = testUsers): TestUser | undefined {
  return id ? users.find((u) => u.id === id) : undefined;
}
