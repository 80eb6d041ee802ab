import { nb } from '../../i18n/nb';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { selectUserId } from './sessionSlice';
import { appSignOutStore, signOut } from './signOut';
import { findUser } from './users';

/** Who is signed in, always visible: name, role, organisation; and the way out. */
export function SessionBar() {
  const dispatch = useAppDispatch();
  const user = findUser(useAppSelector(selectUserId));
  const t = nb.session;
  if (!user) return null;
  return (
    <div className="session-bar" role="group" aria-label={t.signedInAs}>
      <div className="session-user">
        <span className="session-name" data-testid="session-user-name">{user.name}</span>
        <span className="session-meta">
          <span data-testid="session-user-role">{t.role[user.role] ?? t.unknownRole}</span>
          {' · '}
          <span data-testid="session-user-organisation">{user.organisation.name}</span>
          {' · '}
          {t.hpr} {user.hpr}
        </span>
      </div>
      <button type="button" className="btn btn-secondary" data-testid="session-bar-sign-out" onClick={() => void signOut(dispatch, user, appSignOutStore)}>
        {t.signOut}
      </button>
    </div>
  );
}
