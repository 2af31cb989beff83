/**
 * How long a sign-in link works: long enough to read the mail, short enough not to matter once it sits in a mailbox.
 */
export const SIGN_IN_LINK_MINUTES = 15;
