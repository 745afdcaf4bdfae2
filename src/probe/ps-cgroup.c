/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ps-cgroup.c: /proc/PID/cgroup -> systemd unit and container hint. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ps-procinfo.h"

void
ps_cgroup_info_clear (PsCgroupInfo *info)
{
  if (info == NULL)
    return;
  free (info->unit);
  free (info->container);
  info->unit = NULL;
  info->container = NULL;
  info->user_unit = 0;
}

static int
has_suffix (const char *s,
            size_t      len,
            const char *suffix)
{
  size_t n = strlen (suffix);

  return len > n && memcmp (s + len - n, suffix, n) == 0;
}

static int
has_prefix (const char *s,
            size_t      len,
            const char *prefix)
{
  size_t n = strlen (prefix);

  return len >= n && memcmp (s, prefix, n) == 0;
}

static size_t
hex_run (const char *s,
         size_t      len)
{
  size_t i;

  for (i = 0; i < len; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      break;
  return i;
}

/* "PREFIX<hex>.scope" with at least 12 hex digits and nothing else. */
static int
scope_id (const char  *comp,
          size_t       len,
          const char  *prefix,
          const char **id)
{
  size_t plen = strlen (prefix);
  size_t hex_len;

  if (!has_prefix (comp, len, prefix) || !has_suffix (comp, len, ".scope"))
    return 0;
  hex_len = len - plen - 6;
  if (hex_len < 12 || hex_run (comp + plen, hex_len) != hex_len)
    return 0;
  *id = comp + plen;
  return 1;
}

static char *
make_container (const char *kind,
                const char *id)
{
  char buf[64];

  snprintf (buf, sizeof buf, "%s:%.12s", kind, id);
  return strdup (buf);
}

/* Is COMP "user@<digits>.service"? */
static int
is_user_manager (const char *comp,
                 size_t      len)
{
  size_t i;

  if (!has_prefix (comp, len, "user@") || !has_suffix (comp, len, ".service"))
    return 0;
  if (len == 5 + 8)
    return 0;
  for (i = 5; i < len - 8; i++)
    if (comp[i] < '0' || comp[i] > '9')
      return 0;
  return 1;
}

/* Reads the unit and container of one cgroup PATH into OUT (fields that are
 * already set are kept).  Returns 0 or -ENOMEM. */
static int
parse_path (const char   *path,
            size_t        len,
            int           want_unit,
            PsCgroupInfo *out)
{
  const char *unit = NULL;
  size_t unit_len = 0;
  int in_user_manager = 0, unit_in_user_manager = 0;
  const char *user_manager = NULL;
  size_t user_manager_len = 0;
  const char *prev = NULL;
  size_t prev_len = 0;
  size_t i = 0;

  while (i < len)
    {
      const char *comp, *id = NULL;
      size_t comp_len;

      while (i < len && path[i] == '/')
        i++;
      if (i >= len)
        break;
      comp = path + i;
      while (i < len && path[i] != '/')
        i++;
      comp_len = (size_t) (path + i - comp);

      if (out->container == NULL)
        {
          const char *kind = NULL;

          if (scope_id (comp, comp_len, "docker-", &id))
            kind = "docker";
          else if (scope_id (comp, comp_len, "libpod-", &id))
            kind = "podman";
          else if (scope_id (comp, comp_len, "cri-containerd-", &id))
            kind = "containerd";
          else if (prev != NULL && prev_len == 6 && memcmp (prev, "docker", 6) == 0
                   && comp_len >= 12 && hex_run (comp, comp_len) == comp_len)
            {
              kind = "docker";
              id = comp;
            }
          if (kind != NULL)
            {
              out->container = make_container (kind, id);
              if (out->container == NULL)
                return -ENOMEM;
            }
        }

      if (is_user_manager (comp, comp_len))
        {
          in_user_manager = 1;
          user_manager = comp;
          user_manager_len = comp_len;
        }
      if (has_suffix (comp, comp_len, ".service")
          || has_suffix (comp, comp_len, ".scope")
          || has_suffix (comp, comp_len, ".socket"))
        {
          unit = comp;
          unit_len = comp_len;
          unit_in_user_manager = in_user_manager && comp != user_manager;
        }
      prev = comp;
      prev_len = comp_len;
    }

  if (!want_unit || unit == NULL || out->unit != NULL)
    return 0;

  /* The user manager's own process lives in user@UID.service/init.scope. */
  if (unit_in_user_manager && unit_len == 10 && memcmp (unit, "init.scope", 10) == 0)
    {
      unit = user_manager;
      unit_len = user_manager_len;
      unit_in_user_manager = 0;
    }

  out->unit = strndup (unit, unit_len);
  if (out->unit == NULL)
    return -ENOMEM;
  out->user_unit = unit_in_user_manager;
  return 0;
}

int
ps_cgroup_parse (const char   *buf,
                 size_t        len,
                 PsCgroupInfo *out)
{
  const char *v2_path = NULL, *systemd_path = NULL;
  size_t v2_len = 0, systemd_len = 0;
  size_t pos = 0;
  int ret;

  if (buf == NULL || out == NULL)
    return -EINVAL;
  memset (out, 0, sizeof *out);

  while (pos < len)
    {
      const char *line = buf + pos;
      const char *end = memchr (line, '\n', len - pos);
      const char *c1, *c2;
      size_t line_len;

      line_len = end ? (size_t) (end - line) : len - pos;
      pos += line_len + 1;
      if (line_len > 0 && line[line_len - 1] == '\r')
        line_len--;

      /* "ID:CONTROLLERS:PATH"; the path itself may contain ':'. */
      c1 = memchr (line, ':', line_len);
      if (c1 == NULL)
        continue;
      c2 = memchr (c1 + 1, ':', line_len - (size_t) (c1 + 1 - line));
      if (c2 == NULL)
        continue;
      if (c2 + 1 >= line + line_len || c2[1] != '/')
        continue;

      if (c1 - line == 1 && line[0] == '0' && c2 == c1 + 1)
        {
          v2_path = c2 + 1;
          v2_len = line_len - (size_t) (c2 + 1 - line);
        }
      else if ((size_t) (c2 - c1 - 1) == 12 && memcmp (c1 + 1, "name=systemd", 12) == 0)
        {
          systemd_path = c2 + 1;
          systemd_len = line_len - (size_t) (c2 + 1 - line);
        }
      else
        {
          /* v1 controllers can still name a container. */
          ret = parse_path (c2 + 1, line_len - (size_t) (c2 + 1 - line), 0, out);
          if (ret < 0)
            goto fail;
        }
    }

  if (v2_path != NULL)
    {
      ret = parse_path (v2_path, v2_len, 1, out);
      if (ret < 0)
        goto fail;
    }
  if (systemd_path != NULL)
    {
      ret = parse_path (systemd_path, systemd_len, 1, out);
      if (ret < 0)
        goto fail;
    }
  return 0;

fail:
  ps_cgroup_info_clear (out);
  return ret;
}
