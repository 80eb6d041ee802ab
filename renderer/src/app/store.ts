import { combineSlices, configureStore } from '@reduxjs/toolkit';
import { sessionSlice } from '../features/session/sessionSlice';
import { patientSlice } from '../features/patient/patientSlice';
import { workspaceSlice } from '../features/reconcile/workspaceSlice';
import { sendSlice, type SendExtra } from '../features/send/sendSlice';
import { defaultExtra, type ThunkExtra } from './extra';

const rootReducer = combineSlices(sessionSlice, patientSlice, workspaceSlice, sendSlice);

export type RootState = ReturnType<typeof rootReducer>;

/** A fresh store; tests pass preloaded state and a fake broker. */
export function makeStore(preloadedState?: Partial<RootState>, extra: ThunkExtra & Partial<SendExtra> = defaultExtra) {
  return configureStore({
    reducer: rootReducer,
    preloadedState,
    middleware: (getDefault) => getDefault({ thunk: { extraArgument: extra } }),
  });
}

export type AppStore = ReturnType<typeof makeStore>;
export type AppDispatch = AppStore['dispatch'];
