/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>

#include "ps-probe-util.h"

const char *
ps_probe_proc_root (const char *proc_root)
{
  if (proc_root == NULL || *proc_root == '\0')
    proc_root = getenv ("PORTSCOPE_PROC_ROOT");
  if (proc_root == NULL || *proc_root == '\0')
    proc_root = "/proc";
  return proc_root;
}

int
ps_probe_parse_dec_u64 (const char *s,
                        size_t      len,
                        uint64_t   *out)
{
  uint64_t v = 0;

  if (s == NULL || len == 0)
    return -1;
  for (size_t i = 0; i < len; i++)
    {
      uint64_t d;

      if (s[i] < '0' || s[i] > '9')
        return -1;
      d = (uint64_t) (s[i] - '0');
      if (v > (UINT64_MAX - d) / 10)
        return -1;
      v = v * 10 + d;
    }
  *out = v;
  return 0;
}
