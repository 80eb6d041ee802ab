import { createSlice, type PayloadAction } from '@reduxjs/toolkit';

export interface SessionState {
  /** Id of the signed-in test user (fixtures/users.json), null when signed out. */
  userId: string | null;
}

const initialState: SessionState = { userId: null };

export const sessionSlice = createSlice({
  name: 'session',
  initialState,
  reducers: {
    signedIn(state, action: PayloadAction<string>) {
      state.userId = action.payload;
    },
    // Other slices listen for this and drop everything about the patient on screen.
    signedOut(state) {
      state.userId = null;
    },
  },
  selectors: {
    selectUserId: (s) => s.userId,
  },
});

export const { signedIn, signedOut } = sessionSlice.actions;
export const { selectUserId } = sessionSlice.selectors;
