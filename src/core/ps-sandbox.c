/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ps-sandbox.h"

const char *
ps_sandbox_info_path (void)
{
  const char *path = g_getenv ("PORTSCOPE_FLATPAK_INFO");

  return (path != NULL && *path != '\0') ? path : "/.flatpak-info";
}

gboolean
ps_sandbox_is_flatpak (void)
{
  return g_file_test (ps_sandbox_info_path (), G_FILE_TEST_EXISTS);
}
