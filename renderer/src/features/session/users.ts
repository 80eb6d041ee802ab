// The test users of the demo environment (fixtures/users.json). A real install logs in with HelseID.
import { testUsers, type TestUser } from '../../../../fixtures/users';

export { testUsers };
export type { TestUser, UserRole } from '../../../../fixtures/users';

export function findUser(id: string | null | undefined, users: readonly TestUser[] = testUsers): TestUser | undefined {
  return id ? users.find((u) => u.id === id) : undefined;
}
