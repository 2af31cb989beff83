/** A milestone of the convention as the annual calendar plans it. */
export interface MilestoneFacts {
  key: string;
  title: string;
  /** Local day, YYYY-MM-DD. */
  startDate: string;
  ownerEmail: string | null;
  status: string;
}
