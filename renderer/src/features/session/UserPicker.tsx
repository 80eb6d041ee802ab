import { nb } from '../../i18n/nb';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { selectSignOutNotice, signedIn } from './sessionSlice';
import { testUsers } from './users';
import './session.css';

export function UserPicker() {
  const dispatch = useAppDispatch();
  const t = nb.session;
  const notice = useAppSelector(selectSignOutNotice);
  return (
    <section className="panel user-picker" aria-labelledby="user-picker-heading">
      {notice && (
        <div className={notice.error ? 'status status-error sign-out-notice' : 'status sign-out-notice'} role={notice.error ? 'alert' : 'status'} data-testid="sign-out-notice">
          {notice.lines.map((line) => (
            <p key={line}>{line}</p>
          ))}
        </div>
      )}
      <h1 id="user-picker-heading">{t.chooseUserTitle}</h1>
      <p className="lead">{t.chooseUserIntro}</p>
      {testUsers.length === 0 ? (
        <p role="alert" className="error-text">{t.usersMissing}</p>
      ) : (
        <ul className="user-list">
          {testUsers.map((u) => (
            <li key={u.id} className="user-card">
              {/* The button's accessible name is exactly the user's name; role and workplace describe it. */}
              <button type="button" className="btn btn-primary" aria-describedby={`user-${u.id}-desc`} onClick={() => dispatch(signedIn(u.id))}>
                {u.name}
              </button>
              <span id={`user-${u.id}-desc`} className="user-desc">
                {t.role[u.role] ?? t.unknownRole} · {u.organisation.name}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
