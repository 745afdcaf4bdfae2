/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: one line of /proc/net/{tcp,tcp6,udp,udp6}.  The first input
 * byte picks the file (0 tcp, 1 tcp6, 2 udp, 3 udp6). */
#include "config.h"

#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ps-sockets.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  PsProbeSocket out;
  char *line;
  int family, protocol;

  if (size < 1)
    return 0;
  family = (data[0] & 1) ? AF_INET6 : AF_INET;
  protocol = (data[0] & 2) ? IPPROTO_UDP : IPPROTO_TCP;
  /* Not NUL-terminated on purpose: the parser takes a length. */
  line = malloc (size - 1 ? size - 1 : 1);
  if (line == NULL)
    return 0;
  memcpy (line, data + 1, size - 1);
  memset (&out, 0, sizeof out);
  if (ps_procnet_parse_line (line, size - 1, family, protocol, &out) == 0)
    {
      if (out.family != family || out.protocol != protocol)
        abort ();
    }
  free (line);
  return 0;
}
