/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ps-procnet.c: the /proc/net/{tcp,udp}{,6} fallback parser. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ps-probe-util.h"
#include "ps-sockets.h"

#define PROCNET_CHUNK (64 * 1024)
#define PROCNET_LINE_MAX (1024 * 1024)

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Parses exactly LEN hex digits (LEN <= 8). */
static int
parse_hex32 (const char *s,
             size_t      len,
             uint32_t   *out)
{
  uint32_t v = 0;
  size_t i;

  if (len == 0 || len > 8)
    return -1;
  for (i = 0; i < len; i++)
    {
      int d = hex_value (s[i]);
      if (d < 0)
        return -1;
      v = (v << 4) | (uint32_t) d;
    }
  *out = v;
  return 0;
}

/* "ADDR:PORT" where ADDR is 8 (IPv4) or 32 (IPv6) hex digits, each 32-bit
 * word printed from host memory, so copying the word back gives network order. */
static int
parse_endpoint (const char *s,
                size_t      len,
                int         family,
                uint8_t    *addr,
                uint16_t   *port)
{
  size_t addr_len = family == AF_INET ? 8 : 32;
  uint32_t p;
  size_t w;

  if (len != addr_len + 5 || s[addr_len] != ':')
    return -1;
  for (w = 0; w < addr_len / 8; w++)
    {
      uint32_t word;

      if (parse_hex32 (s + w * 8, 8, &word) < 0)
        return -1;
      memcpy (addr + w * 4, &word, 4);
    }
  if (parse_hex32 (s + addr_len + 1, 4, &p) < 0)
    return -1;
  *port = (uint16_t) p;
  return 0;
}

int
ps_procnet_parse_line (const char    *line,
                       size_t         len,
                       int            family,
                       int            protocol,
                       PsProbeSocket *out)
{
  const char *tok[10];
  size_t tok_len[10];
  size_t n_tok = 0;
  size_t i = 0;
  uint32_t state;
  uint64_t uid, inode;

  if (line == NULL || out == NULL)
    return -EINVAL;
  if (family != AF_INET && family != AF_INET6)
    return -EINVAL;
  if (protocol != IPPROTO_TCP && protocol != IPPROTO_UDP)
    return -EINVAL;

  /* The first ten whitespace-separated fields; the rest is ignored. */
  while (n_tok < 10)
    {
      while (i < len && (line[i] == ' ' || line[i] == '\t'
                         || line[i] == '\r' || line[i] == '\n'))
        i++;
      if (i >= len || line[i] == '\0')
        break;
      tok[n_tok] = line + i;
      while (i < len && line[i] != ' ' && line[i] != '\t'
             && line[i] != '\r' && line[i] != '\n' && line[i] != '\0')
        i++;
      tok_len[n_tok] = (size_t) (line + i - tok[n_tok]);
      n_tok++;
    }
  if (n_tok < 10)
    return -EINVAL;

  /* "sl:" */
  if (tok_len[0] < 2 || tok[0][tok_len[0] - 1] != ':')
    return -EINVAL;
  for (i = 0; i + 1 < tok_len[0]; i++)
    if (hex_value (tok[0][i]) < 0)
      return -EINVAL;

  memset (out, 0, sizeof *out);
  out->protocol = (uint8_t) protocol;
  out->family = (uint8_t) family;
  out->v6only = PS_V6ONLY_UNKNOWN;

  if (parse_endpoint (tok[1], tok_len[1], family, out->local_addr, &out->local_port) < 0
      || parse_endpoint (tok[2], tok_len[2], family, out->remote_addr, &out->remote_port) < 0)
    return -EINVAL;
  if (tok_len[3] > 2 || parse_hex32 (tok[3], tok_len[3], &state) < 0)
    return -EINVAL;
  if (ps_probe_parse_dec_u64 (tok[7], tok_len[7], &uid) < 0 || uid > UINT32_MAX)
    return -EINVAL;
  if (ps_probe_parse_dec_u64 (tok[9], tok_len[9], &inode) < 0)
    return -EINVAL;

  out->state = (uint8_t) state;
  out->uid = (uint32_t) uid;
  out->inode = inode;
  return 0;
}

static int
wanted_state (int      protocol,
              unsigned flags,
              uint8_t  state)
{
  if (protocol == IPPROTO_TCP)
    {
      if (flags & PS_PROBE_TCP_ALL)
        return 1;
      return (flags & PS_PROBE_TCP_LISTEN) && state == TCP_LISTEN;
    }
  if (flags & PS_PROBE_UDP_ALL)
    return 1;
  return (flags & PS_PROBE_UDP) && state == TCP_CLOSE;
}

static int
is_blank (const char *line,
          size_t      len)
{
  size_t i;

  for (i = 0; i < len; i++)
    if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
      return 0;
  return 1;
}

/* Handles one line; the first line of a file is the header. */
static int
handle_line (const char         *line,
             size_t              len,
             int                 first,
             int                 family,
             int                 protocol,
             unsigned            flags,
             PsProbeSocketArray *out,
             size_t             *n_bad)
{
  PsProbeSocket rec;
  PsProbeSocket *slot;

  if (is_blank (line, len))
    return 0;
  if (first && memmem (line, len, "local_address", 13) != NULL)
    return 0;
  if (ps_procnet_parse_line (line, len, family, protocol, &rec) < 0)
    {
      (*n_bad)++;
      return 0;
    }
  if (!wanted_state (protocol, flags, rec.state))
    return 0;
  slot = ps_probe_socket_array_append (out);
  if (slot == NULL)
    return -ENOMEM;
  *slot = rec;
  return 0;
}

/* Reads PATH in chunks and feeds complete lines; a line longer than the
 * buffer grows it (up to PROCNET_LINE_MAX, beyond which it is malformed). */
static int
parse_file (const char         *path,
            int                 family,
            int                 protocol,
            unsigned            flags,
            PsProbeSocketArray *out,
            size_t             *n_bad)
{
  char *buf;
  size_t size = PROCNET_CHUNK;
  size_t used = 0;
  int first = 1;
  int skipping = 0;
  int fd;
  int ret = 0;

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  buf = malloc (size);
  if (buf == NULL)
    {
      close (fd);
      return -ENOMEM;
    }

  for (;;)
    {
      ssize_t n;
      size_t start = 0;
      char *nl;

      if (used == size)
        {
          if (size >= PROCNET_LINE_MAX)
            {
              /* An absurd line: count it once and drop it. */
              if (!skipping)
                (*n_bad)++;
              skipping = 1;
              used = 0;
            }
          else
            {
              char *bigger = realloc (buf, size * 2);
              if (bigger == NULL)
                {
                  ret = -ENOMEM;
                  break;
                }
              buf = bigger;
              size *= 2;
            }
        }

      n = read (fd, buf + used, size - used);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          ret = -errno;
          break;
        }
      if (n == 0)
        {
          /* A last line without a newline. */
          if (used > 0 && !skipping)
            ret = handle_line (buf, used, first, family, protocol, flags, out, n_bad);
          break;
        }
      used += (size_t) n;

      while ((nl = memchr (buf + start, '\n', used - start)) != NULL)
        {
          size_t line_len = (size_t) (nl - (buf + start));

          if (skipping)
            skipping = 0;
          else
            {
              ret = handle_line (buf + start, line_len, first, family, protocol,
                                 flags, out, n_bad);
              if (ret < 0)
                break;
            }
          first = 0;
          start += line_len + 1;
        }
      if (ret < 0)
        break;
      if (start > 0)
        {
          memmove (buf, buf + start, used - start);
          used -= start;
        }
    }

  free (buf);
  close (fd);
  return ret;
}

int
ps_procnet_dump (const char         *proc_root,
                 unsigned            flags,
                 PsProbeSocketArray *out,
                 size_t             *n_bad)
{
  static const struct
  {
    const char *name;
    int family;
    int protocol;
  } files[] = {
    { "tcp", AF_INET, IPPROTO_TCP },
    { "tcp6", AF_INET6, IPPROTO_TCP },
    { "udp", AF_INET, IPPROTO_UDP },
    { "udp6", AF_INET6, IPPROTO_UDP },
  };
  unsigned fam_flags;
  size_t bad = 0;
  size_t i;
  int found = 0;

  if (out == NULL)
    return -EINVAL;
  proc_root = ps_probe_proc_root (proc_root);

  fam_flags = flags & (PS_PROBE_IPV4 | PS_PROBE_IPV6);
  if (fam_flags == 0)
    fam_flags = PS_PROBE_IPV4 | PS_PROBE_IPV6;

  for (i = 0; i < sizeof files / sizeof files[0]; i++)
    {
      char path[4096];
      int ret;

      if (!(fam_flags & (files[i].family == AF_INET ? PS_PROBE_IPV4 : PS_PROBE_IPV6)))
        continue;
      if (files[i].protocol == IPPROTO_TCP
          && !(flags & (PS_PROBE_TCP_LISTEN | PS_PROBE_TCP_ALL)))
        continue;
      if (files[i].protocol == IPPROTO_UDP
          && !(flags & (PS_PROBE_UDP | PS_PROBE_UDP_ALL)))
        continue;

      if ((size_t) snprintf (path, sizeof path, "%s/net/%s", proc_root,
                             files[i].name) >= sizeof path)
        return -ENAMETOOLONG;
      ret = parse_file (path, files[i].family, files[i].protocol, flags, out, &bad);
      if (ret == -ENOENT)
        continue; /* IPv6 disabled, or a fixture without this file. */
      if (ret < 0)
        return ret;
      found++;
    }

  if (n_bad != NULL)
    *n_bad = bad;
  /* Nothing readable at all: report it so callers do not show an empty list. */
  if (found == 0 && (flags & (PS_PROBE_TCP_LISTEN | PS_PROBE_TCP_ALL
                              | PS_PROBE_UDP | PS_PROBE_UDP_ALL)))
    return -ENOENT;
  return 0;
}
