/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ps-users.c: uid -> name from /etc/passwd, read directly (no NSS). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ps-users.h"

#define PASSWD_MAX (16 * 1024 * 1024)

typedef struct
{
  uint32_t uid;
  uint32_t order;           /* line order: the first entry for a uid wins, like getpwuid */
  char *name;
} UserEntry;

struct PsUserTable
{
  UserEntry *items;
  size_t len;
};

static int
cmp_entry (const void *a,
           const void *b)
{
  const UserEntry *x = a, *y = b;

  if (x->uid != y->uid)
    return x->uid < y->uid ? -1 : 1;
  return (x->order > y->order) - (x->order < y->order);
}

static char *
read_all (const char *path,
          size_t     *len)
{
  size_t size = 8192, used = 0;
  char *buf;
  int fd;

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  buf = malloc (size + 1);
  while (buf != NULL)
    {
      ssize_t n;

      if (used == size)
        {
          char *bigger;

          if (size >= PASSWD_MAX)
            break;
          size *= 2;
          bigger = realloc (buf, size + 1);
          if (bigger == NULL)
            {
              free (buf);
              buf = NULL;
              break;
            }
          buf = bigger;
        }
      n = read (fd, buf + used, size - used);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      used += (size_t) n;
    }
  close (fd);
  if (buf != NULL)
    buf[used] = '\0';
  *len = used;
  return buf;
}

/* "name:password:uid:..."; returns 1 and fills the name span and uid. */
static int
parse_line (const char  *line,
            size_t       len,
            const char **name,
            size_t      *name_len,
            uint32_t    *uid)
{
  const char *c1, *c2, *p, *end = line + len;
  uint64_t v = 0;

  if (len == 0 || line[0] == '#' || line[0] == '+' || line[0] == '-')
    return 0;
  c1 = memchr (line, ':', len);
  if (c1 == NULL || c1 == line)
    return 0;
  c2 = memchr (c1 + 1, ':', (size_t) (end - c1 - 1));
  if (c2 == NULL)
    return 0;
  p = c2 + 1;
  if (p >= end || *p < '0' || *p > '9')
    return 0;
  for (; p < end && *p >= '0' && *p <= '9'; p++)
    {
      v = v * 10 + (uint64_t) (*p - '0');
      if (v > UINT32_MAX)
        return 0;
    }
  if (p < end && *p != ':')
    return 0;
  *name = line;
  *name_len = (size_t) (c1 - line);
  *uid = (uint32_t) v;
  return 1;
}

PsUserTable *
ps_user_table_load (const char *path)
{
  PsUserTable *table = calloc (1, sizeof *table);
  size_t len = 0, pos = 0, cap = 0, i, j;
  char *buf;

  if (table == NULL)
    return NULL;
  if (path == NULL || *path == '\0')
    path = getenv ("PORTSCOPE_PASSWD");
  if (path == NULL || *path == '\0')
    path = "/etc/passwd";

  buf = read_all (path, &len);
  if (buf == NULL)
    return table;

  while (pos < len)
    {
      const char *line = buf + pos;
      const char *nl = memchr (line, '\n', len - pos);
      size_t line_len = nl ? (size_t) (nl - line) : len - pos;
      const char *name;
      size_t name_len;
      uint32_t uid;

      pos += line_len + 1;
      if (line_len > 0 && line[line_len - 1] == '\r')
        line_len--;
      if (!parse_line (line, line_len, &name, &name_len, &uid))
        continue;
      if (table->len == cap)
        {
          size_t new_cap = cap ? cap * 2 : 64;
          UserEntry *items = realloc (table->items, new_cap * sizeof (UserEntry));

          if (items == NULL)
            goto oom;
          table->items = items;
          cap = new_cap;
        }
      table->items[table->len].uid = uid;
      table->items[table->len].order = (uint32_t) table->len;
      table->items[table->len].name = strndup (name, name_len);
      if (table->items[table->len].name == NULL)
        goto oom;
      table->len++;
    }
  free (buf);

  qsort (table->items, table->len, sizeof (UserEntry), cmp_entry);
  for (i = 0, j = 0; i < table->len; i++)
    {
      if (j > 0 && table->items[j - 1].uid == table->items[i].uid)
        {
          free (table->items[i].name);
          continue;
        }
      table->items[j++] = table->items[i];
    }
  table->len = j;
  return table;

oom:
  free (buf);
  ps_user_table_free (table);
  return NULL;
}

void
ps_user_table_free (PsUserTable *table)
{
  size_t i;

  if (table == NULL)
    return;
  for (i = 0; i < table->len; i++)
    free (table->items[i].name);
  free (table->items);
  free (table);
}

const char *
ps_user_table_lookup (const PsUserTable *table,
                      uint32_t           uid)
{
  size_t lo = 0, hi;

  if (table == NULL)
    return NULL;
  hi = table->len;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;

      if (table->items[mid].uid == uid)
        return table->items[mid].name;
      if (table->items[mid].uid < uid)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}
