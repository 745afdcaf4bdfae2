/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs ps_bench_main (SPEC): the same figures as `portscope --bench=SPEC`. */
#include "config.h"

#include <locale.h>

#include "ps-bench.h"

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  if (argc > 2)
    {
      g_printerr ("Usage: %s [SPEC]\n", argv[0]);
      return 2;
    }
  return ps_bench_main (argc == 2 ? argv[1] : NULL);
}
