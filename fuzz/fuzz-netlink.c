/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: one inet_diag_msg payload (sock_diag).  The first input byte
 * picks the protocol the dump was for (even: TCP, odd: UDP). */
#include "config.h"

#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ps-sockets.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  PsProbeSocket out;
  uint8_t *copy;
  int protocol;

  if (size < 1)
    return 0;
  protocol = (data[0] & 1) ? IPPROTO_UDP : IPPROTO_TCP;
  /* An exact-size heap copy, so any read past the end is caught. */
  copy = malloc (size - 1 ? size - 1 : 1);
  if (copy == NULL)
    return 0;
  memcpy (copy, data + 1, size - 1);
  memset (&out, 0, sizeof out);
  if (ps_netlink_parse_diag_msg (copy, size - 1, protocol, &out) == 0)
    {
      char buf[128];

      /* Whatever parsed must be printable. */
      ps_probe_format_address (out.family, out.local_addr, out.ifindex, buf, sizeof buf);
      if (strlen (buf) >= sizeof buf)
        abort ();
    }
  free (copy);
  return 0;
}
