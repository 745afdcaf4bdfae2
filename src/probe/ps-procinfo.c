/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ps-procinfo.c: facts about one process from /proc/PID. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ps-probe-util.h"
#include "ps-procinfo.h"

#define PF_KTHREAD_FLAG 0x00200000u
#define SMALL_FILE_MAX (64 * 1024)
#define LINK_MAX_LEN (64 * 1024)

/* Reads the next space-separated token of BUF[*POS..LEN). */
static int
next_token (const char  *buf,
            size_t       len,
            size_t      *pos,
            const char **tok,
            size_t      *tok_len)
{
  size_t i = *pos;

  while (i < len && buf[i] == ' ')
    i++;
  if (i >= len || buf[i] == '\n' || buf[i] == '\0')
    return 0;
  *tok = buf + i;
  while (i < len && buf[i] != ' ' && buf[i] != '\n' && buf[i] != '\0')
    i++;
  *tok_len = (size_t) (buf + i - *tok);
  *pos = i;
  return 1;
}

static int
parse_i64 (const char *s,
           size_t      len,
           int64_t    *out)
{
  uint64_t v;
  int neg = 0;

  if (len > 0 && s[0] == '-')
    {
      neg = 1;
      s++;
      len--;
    }
  if (ps_probe_parse_dec_u64 (s, len, &v) < 0 || v > (uint64_t) INT64_MAX)
    return -1;
  *out = neg ? -(int64_t) v : (int64_t) v;
  return 0;
}

int
ps_proc_parse_stat (const char *buf,
                    size_t      len,
                    PsProcStat *out)
{
  const char *open_paren, *close_paren, *tok;
  size_t tok_len, pos, comm_len;
  uint64_t u;
  int64_t s;
  int field;

  if (buf == NULL || out == NULL)
    return -EINVAL;
  memset (out, 0, sizeof *out);

  open_paren = memchr (buf, '(', len);
  close_paren = memrchr (buf, ')', len);
  if (open_paren == NULL || close_paren == NULL || close_paren < open_paren)
    return -EINVAL;

  /* "PID (" */
  if (open_paren < buf + 2 || open_paren[-1] != ' ')
    return -EINVAL;
  if (ps_probe_parse_dec_u64 (buf, (size_t) (open_paren - 1 - buf), &u) < 0 || u == 0 || u > INT32_MAX)
    return -EINVAL;
  out->pid = (int32_t) u;

  /* The comm is whatever lies between the first '(' and the LAST ')':
   * a process may name itself ") S 1 (". */
  comm_len = (size_t) (close_paren - open_paren - 1);
  if (comm_len > sizeof out->comm - 1)
    comm_len = sizeof out->comm - 1;
  memcpy (out->comm, open_paren + 1, comm_len);
  out->comm[comm_len] = '\0';

  pos = (size_t) (close_paren + 1 - buf);
  /* Field 3: state, a single character. */
  if (!next_token (buf, len, &pos, &tok, &tok_len) || tok_len != 1)
    return -EINVAL;
  out->state = tok[0];

  for (field = 4; field <= 22; field++)
    {
      if (!next_token (buf, len, &pos, &tok, &tok_len))
        return -EINVAL;
      switch (field)
        {
        case 4:
          if (parse_i64 (tok, tok_len, &s) < 0 || s < 0 || s > INT32_MAX)
            return -EINVAL;
          out->ppid = (int32_t) s;
          break;
        case 9:
          if (ps_probe_parse_dec_u64 (tok, tok_len, &u) < 0 || u > UINT32_MAX)
            return -EINVAL;
          out->flags = (uint32_t) u;
          break;
        case 22:
          if (ps_probe_parse_dec_u64 (tok, tok_len, &u) < 0)
            return -EINVAL;
          out->start_time = u;
          break;
        default:
          break;
        }
    }
  return 0;
}

/* Reads a whole small file below DIR_FD into a NUL-terminated heap buffer of
 * at most MAX bytes (the rest is cut).  Returns the length or -errno. */
static ssize_t
read_file_at (int         dir_fd,
              const char *name,
              size_t      max,
              char      **out)
{
  size_t size = 4096, used = 0;
  char *buf;
  int fd;

  *out = NULL;
  fd = openat (dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return -errno;
  buf = malloc (size + 1);
  if (buf == NULL)
    {
      close (fd);
      return -ENOMEM;
    }
  for (;;)
    {
      ssize_t n;

      if (used == size)
        {
          char *bigger;

          if (size >= max)
            break;
          size = size * 2 > max ? max : size * 2;
          bigger = realloc (buf, size + 1);
          if (bigger == NULL)
            {
              free (buf);
              close (fd);
              return -ENOMEM;
            }
          buf = bigger;
        }
      n = read (fd, buf + used, size - used);
      if (n < 0)
        {
          int err = errno;

          if (err == EINTR)
            continue;
          free (buf);
          close (fd);
          return -err;
        }
      if (n == 0)
        break;
      used += (size_t) n;
    }
  close (fd);
  buf[used] = '\0';
  *out = buf;
  return (ssize_t) used;
}

static char *
readlink_at_dup (int         dir_fd,
                 const char *name)
{
  size_t size = 256;

  for (;;)
    {
      char *buf = malloc (size);
      ssize_t n;

      if (buf == NULL)
        return NULL;
      n = readlinkat (dir_fd, name, buf, size);
      if (n < 0)
        {
          free (buf);
          return NULL;
        }
      if ((size_t) n < size)
        {
          buf[n] = '\0';
          return buf;
        }
      free (buf);
      if (size >= LINK_MAX_LEN)
        return NULL;
      size *= 2;
    }
}

static int
gone (int err)
{
  return err == -ENOENT || err == -ESRCH ? -ESRCH : err;
}

static int
read_stat_at (int         dir_fd,
              PsProcStat *out)
{
  char *buf = NULL;
  ssize_t n = read_file_at (dir_fd, "stat", SMALL_FILE_MAX, &buf);
  int ret;

  if (n < 0)
    return gone ((int) n);
  if (n == 0)
    {
      free (buf);
      return -ESRCH;
    }
  ret = ps_proc_parse_stat (buf, (size_t) n, out);
  free (buf);
  return ret;
}

static int
open_pid_dir (const char *proc_root,
              int32_t     pid)
{
  char path[4096];
  int fd;

  if (pid <= 0)
    return -EINVAL;
  if ((size_t) snprintf (path, sizeof path, "%s/%d", ps_probe_proc_root (proc_root),
                         (int) pid) >= sizeof path)
    return -ENAMETOOLONG;
  fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return gone (-errno);
  return fd;
}

int
ps_proc_read_stat (const char *proc_root,
                   int32_t     pid,
                   PsProcStat *out)
{
  int dir_fd, ret;

  if (out == NULL)
    return -EINVAL;
  dir_fd = open_pid_dir (proc_root, pid);
  if (dir_fd < 0)
    return dir_fd;
  ret = read_stat_at (dir_fd, out);
  close (dir_fd);
  return ret;
}

/* The first number of the "Uid:" line (real uid). */
static int
parse_status_uid (const char *buf,
                  uint32_t   *uid)
{
  const char *p = buf;

  while (p != NULL && *p)
    {
      if (strncmp (p, "Uid:", 4) == 0)
        {
          uint64_t v = 0;
          int digits = 0;

          p += 4;
          while (*p == ' ' || *p == '\t')
            p++;
          while (*p >= '0' && *p <= '9' && digits < 11)
            {
              v = v * 10 + (uint64_t) (*p - '0');
              p++;
              digits++;
            }
          if (digits == 0 || v > UINT32_MAX)
            return -EINVAL;
          *uid = (uint32_t) v;
          return 0;
        }
      p = strchr (p, '\n');
      if (p != NULL)
        p++;
    }
  return -EINVAL;
}

void
ps_proc_info_clear (PsProcInfo *info)
{
  if (info == NULL)
    return;
  free (info->cmdline);
  free (info->exe);
  free (info->cwd);
  ps_cgroup_info_clear (&info->cgroup);
  memset (info, 0, sizeof *info);
}

int
ps_proc_info_read (const char *proc_root,
                   int32_t     pid,
                   PsProcInfo *out)
{
  PsProcStat st;
  char *buf = NULL;
  ssize_t n;
  int dir_fd, ret;

  if (out == NULL)
    return -EINVAL;
  memset (out, 0, sizeof *out);

  /* Everything is read relative to one /proc/PID dir fd: if the process
   * exits and its PID is reused, reads through the old fd fail rather than
   * describe the new process. */
  dir_fd = open_pid_dir (proc_root, pid);
  if (dir_fd < 0)
    return dir_fd;

  ret = read_stat_at (dir_fd, &st);
  if (ret < 0)
    goto fail;
  out->pid = st.pid;
  out->ppid = st.ppid;
  out->state = st.state;
  out->start_time = st.start_time;
  out->kernel_thread = (st.flags & PF_KTHREAD_FLAG) != 0;
  memcpy (out->comm, st.comm, sizeof out->comm);

  n = read_file_at (dir_fd, "status", SMALL_FILE_MAX, &buf);
  if (n < 0)
    {
      ret = gone ((int) n);
      goto fail;
    }
  ret = parse_status_uid (buf, &out->uid);
  free (buf);
  buf = NULL;
  if (ret < 0)
    goto fail;

  n = read_file_at (dir_fd, "cmdline", PS_PROC_CMDLINE_MAX - 1, &buf);
  if (n > 0)
    {
      /* Keep the NUL separators; make sure the last argument ends in one. */
      if (buf[n - 1] != '\0')
        n++;
      out->cmdline = buf;
      out->cmdline_len = (size_t) n;
      buf = NULL;
    }
  else if (n == -ESRCH)
    {
      ret = -ESRCH;
      goto fail;
    }
  free (buf);
  buf = NULL;

  out->exe = readlink_at_dup (dir_fd, "exe");
  out->cwd = readlink_at_dup (dir_fd, "cwd");

  n = read_file_at (dir_fd, "cgroup", SMALL_FILE_MAX, &buf);
  if (n > 0)
    {
      ret = ps_cgroup_parse (buf, (size_t) n, &out->cgroup);
      if (ret == -ENOMEM)
        {
          free (buf);
          goto fail;
        }
    }
  free (buf);

  close (dir_fd);
  return 0;

fail:
  close (dir_fd);
  ps_proc_info_clear (out);
  return ret;
}
