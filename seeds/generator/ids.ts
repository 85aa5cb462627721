/**
 * Identifiers handed out when a record's first row is written, in time order, the way a switch or a ticket
 * system numbers them (the simulation creates contacts queue by queue, not in time order).
 */

/** A contact shared by its legs, its bot hand-off and its tickets; `no` orders contacts created at the same second. */
export class ContactRef {
  id = '';
  constructor(readonly no: number) {}
}

export class IdBook {
  private contacts = 0;
  private tickets = 0;

  contact(ref: ContactRef): string {
    if (ref.id === '') ref.id = `CN${String(++this.contacts).padStart(10, '0')}`;
    return ref.id;
  }

  ticket(ticket: { id: string }): string {
    if (ticket.id === '') ticket.id = `TK${String(++this.tickets).padStart(8, '0')}`;
    return ticket.id;
  }
}
