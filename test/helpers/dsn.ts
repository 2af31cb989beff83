/** A delivery status notification (RFC 3464) as a remote MTA writes it, sent to the mail's return path. */
export function deliveryStatusNotification(options: {
  returnPath: string;
  recipient: string;
  action: string;
  status: string;
  messageId?: string;
}): string {
  const boundary = 'dsn-boundary-42';
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.org>',
    `To: ${options.returnPath}`,
    'Subject: Undelivered Mail Returned to Sender',
    ...(options.messageId ? [`Message-ID: ${options.messageId}`] : []),
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Your message could not be delivered.',
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.org',
    'Arrival-Date: Thu, 3 Dec 2026 12:00:00 +0100',
    '',
    `Final-Recipient: rfc822; ${options.recipient}`,
    `Original-Recipient: rfc822; ${options.recipient}`,
    `Action: ${options.action}`,
    `Status: ${options.status}`,
    `Diagnostic-Code: smtp; 550 ${options.status} Mailbox does not exist`,
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
