/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the helper protocol decoder (one whole frame).  What decodes
 * must encode again and decode to the same frame bytes. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ps-wire.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  PsWireMessage msg, again;
  PsWireBuf buf = { 0 }, buf2 = { 0 };
  int r;

  r = ps_wire_decode (data, size, &msg);
  if (r != 0)
    {
      if (r != -EINVAL && r != -EMSGSIZE && r != -EPROTO && r != -EPROTONOSUPPORT && r != -ENOMEM)
        abort ();
      if (msg.sockets != NULL || msg.processes != NULL || msg.users != NULL || msg.text != NULL)
        abort ();     /* failures leave the message cleared */
      return 0;
    }

  /* Round trip: the re-encoded frame decodes, and encodes to the same bytes. */
  r = ps_wire_encode (&msg, &buf);
  if (r == -EMSGSIZE)
    {
      /* Only near the limit: encoding adds the optional fields it always writes. */
      if (size + 64 < PS_WIRE_MAX_FRAME)
        abort ();
      ps_wire_message_clear (&msg);
      ps_wire_buf_clear (&buf);
      return 0;
    }
  if (r != 0)
    abort ();
  if (ps_wire_decode (buf.data, buf.len, &again) != 0)
    abort ();
  if (ps_wire_encode (&again, &buf2) != 0)
    abort ();
  if (buf.len != buf2.len || memcmp (buf.data, buf2.data, buf.len) != 0)
    abort ();

  ps_wire_message_clear (&again);
  ps_wire_message_clear (&msg);
  ps_wire_buf_clear (&buf);
  ps_wire_buf_clear (&buf2);
  return 0;
}
