/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the text of /proc/PID/stat. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ps-procinfo.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  PsProcStat out;
  char *buf = malloc (size ? size : 1);

  if (buf == NULL)
    return 0;
  memcpy (buf, data, size);
  memset (&out, 0, sizeof out);
  if (ps_proc_parse_stat (buf, size, &out) == 0)
    {
      /* comm is always terminated inside its array. */
      if (memchr (out.comm, '\0', sizeof out.comm) == NULL)
        abort ();
    }
  free (buf);
  return 0;
}
