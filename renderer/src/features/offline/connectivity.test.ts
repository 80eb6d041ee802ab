import { afterEach, describe, expect, it } from 'vitest';
import { connectivity, reportBrokerReachable } from './connectivity';

afterEach(() => reportBrokerReachable(true));

describe('connectivity', () => {
  it('a failed broker call means offline even when the browser says online, until a call succeeds', () => {
    expect(connectivity().online).toBe(true);
    reportBrokerReachable(false);
    expect(connectivity()).toEqual({ online: false, browserOnline: true, brokerUnreachable: true });
    reportBrokerReachable(true);
    expect(connectivity().online).toBe(true);
  });
});
