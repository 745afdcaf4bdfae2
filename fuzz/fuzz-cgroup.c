/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the text of /proc/PID/cgroup. */
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
  PsCgroupInfo info;
  char *buf = malloc (size ? size : 1);

  if (buf == NULL)
    return 0;
  memcpy (buf, data, size);
  memset (&info, 0, sizeof info);
  if (ps_cgroup_parse (buf, size, &info) == 0)
    {
      /* Touch every string: ASan checks they are terminated heap blocks. */
      if (info.unit != NULL && strlen (info.unit) > size)
        abort ();
      if (info.container != NULL && strlen (info.container) > size + 64)
        abort ();
    }
  ps_cgroup_info_clear (&info);
  free (buf);
  return 0;
}
