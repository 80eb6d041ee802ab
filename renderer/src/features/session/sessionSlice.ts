import { createSlice, type PayloadAction } from '@reduxjs/toolkit';

/** What the sign-in page tells the user after a sign-out (e.g. which local data was deleted). */
export interface SignOutNotice {
  lines: string[];
  /** True when something could not be done (the notice is then an alert). */
  error: boolean;
}

export interface SessionState {
  /** Id of the signed-in test user (fixtures/users.json), null when signed out. */
  userId: string | null;
  /** Shown on the sign-in page after a sign-out; cleared at the next sign-in. */
  notice?: SignOutNotice | null;
}

const initialState: SessionState = { userId: null, notice: null };

export const sessionSlice = createSlice({
  name: 'session',
  initialState,
  reducers: {
    signedIn(state, action: PayloadAction<string>) {
      state.userId = action.payload;
      state.notice = null;
    },
    // Other slices listen for this and drop everything about the patient on screen.
    signedOut(state) {
      state.userId = null;
      state.notice = null;
    },
    /** Only while nobody is signed in: a notice meant for the user who left is not shown to the next one. */
    signOutNoticeShown(state, action: PayloadAction<SignOutNotice>) {
      if (state.userId === null) state.notice = action.payload;
    },
  },
  selectors: {
    selectUserId: (s) => s.userId,
    selectSignOutNotice: (s) => s.notice ?? null,
  },
});

export const { signedIn, signedOut, signOutNoticeShown } = sessionSlice.actions;
export const { selectUserId, selectSignOutNotice } = sessionSlice.selectors;
