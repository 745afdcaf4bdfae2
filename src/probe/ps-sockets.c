/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ps-sockets.c: socket arrays, address formatting, and the dump entry point. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ps-sockets.h"

PsProbeSocket *
ps_probe_socket_array_append (PsProbeSocketArray *array)
{
  PsProbeSocket *item;

  if (array == NULL)
    return NULL;

  if (array->len == array->cap)
    {
      size_t new_cap = array->cap ? array->cap * 2 : 64;
      PsProbeSocket *items;

      if (new_cap < array->cap || new_cap > SIZE_MAX / sizeof (PsProbeSocket))
        return NULL;
      items = realloc (array->items, new_cap * sizeof (PsProbeSocket));
      if (items == NULL)
        return NULL;
      array->items = items;
      array->cap = new_cap;
    }

  item = &array->items[array->len++];
  memset (item, 0, sizeof *item);
  return item;
}

void
ps_probe_socket_array_clear (PsProbeSocketArray *array)
{
  if (array == NULL)
    return;
  free (array->items);
  array->items = NULL;
  array->len = 0;
  array->cap = 0;
}

char *
ps_probe_format_address (int            family,
                         const uint8_t *addr,
                         uint32_t       ifindex,
                         char          *buf,
                         size_t         size)
{
  if (buf == NULL || size == 0)
    return buf;
  buf[0] = '\0';
  if (addr == NULL)
    return buf;

  if (family == AF_INET)
    {
      if (inet_ntop (AF_INET, addr, buf, size) == NULL)
        snprintf (buf, size, "?");
    }
  else if (family == AF_INET6)
    {
      char tmp[INET6_ADDRSTRLEN];

      if (inet_ntop (AF_INET6, addr, tmp, sizeof tmp) == NULL)
        {
          snprintf (buf, size, "?");
          return buf;
        }
      /* fe80::/10: the interface is part of the address. */
      if (ifindex != 0 && addr[0] == 0xfe && (addr[1] & 0xc0) == 0x80)
        snprintf (buf, size, "%s%%%u", tmp, ifindex);
      else
        snprintf (buf, size, "%s", tmp);
    }
  else
    snprintf (buf, size, "?");

  return buf;
}

static int
is_refusal (int err)
{
  switch (err)
    {
    case -EPERM:
    case -EACCES:
    case -EPROTONOSUPPORT:
    case -EAFNOSUPPORT:
    case -ENOENT:
      return 1;
    default:
      return 0;
    }
}

int
ps_probe_dump_sockets (unsigned            flags,
                       PsProbeSocketArray *out,
                       PsProbeSource      *source)
{
  const char *force;
  size_t start_len;
  int ret;

  if (out == NULL)
    return -EINVAL;

  start_len = out->len;
  force = getenv ("PORTSCOPE_FORCE_PROCNET");
  if (force == NULL || strcmp (force, "1") != 0)
    {
      ret = ps_netlink_dump (flags, out);
      if (ret == 0)
        {
          if (source != NULL)
            *source = PS_PROBE_SOURCE_NETLINK;
          return 0;
        }
      /* Drop a partial dump before deciding. */
      out->len = start_len;
      if (!is_refusal (ret))
        return ret;
    }

  ret = ps_procnet_dump (NULL, flags, out, NULL);
  if (ret < 0)
    {
      out->len = start_len;
      return ret;
    }
  if (source != NULL)
    *source = PS_PROBE_SOURCE_PROCNET;
  return 0;
}
