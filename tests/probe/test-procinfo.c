/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /proc/PID/stat, cgroup and passwd parsers; process facts from real and fake trees. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "ps-procinfo.h"
#include "ps-users.h"

/* A stat line with COMM, fields 3.. filled in, as the kernel prints it. */
static char *
make_stat (int         pid,
           const char *comm,
           int         ppid,
           unsigned    flags,
           guint64     start_time)
{
  return g_strdup_printf ("%d (%s) S %d %d %d 0 -1 %u 143 0 0 0 5 3 0 0 20 0 1 0 %"
                          G_GUINT64_FORMAT " 10522624 1234 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n",
                          pid, comm, ppid, pid, pid, flags, start_time);
}

static void
test_parse_stat (void)
{
  static const char *comms[] = {
    "bash", ") S 1 (", "a b c", "(()", "x) (y", "", ")", "((", "tab\there",
  };
  PsProcStat st;

  for (size_t i = 0; i < G_N_ELEMENTS (comms); i++)
    {
      g_autofree char *line = make_stat (4242, comms[i], 77, 0x00200040, 987654321);

      g_test_message ("comm '%s'", comms[i]);
      g_assert_cmpint (ps_proc_parse_stat (line, strlen (line), &st), ==, 0);
      g_assert_cmpint (st.pid, ==, 4242);
      g_assert_cmpstr (st.comm, ==, comms[i]);
      g_assert_cmpint (st.state, ==, 'S');
      g_assert_cmpint (st.ppid, ==, 77);
      g_assert_cmphex (st.flags, ==, 0x00200040);
      g_assert_cmpuint (st.start_time, ==, 987654321);
    }

  /* A long comm is cut to the buffer, never overflowing it. */
  {
    g_autofree char *longname = g_strnfill (200, 'x');
    g_autofree char *line = make_stat (1, longname, 0, 0, 5);

    g_assert_cmpint (ps_proc_parse_stat (line, strlen (line), &st), ==, 0);
    g_assert_cmpuint (strlen (st.comm), ==, sizeof st.comm - 1);
    g_assert_cmpuint (st.start_time, ==, 5);
  }

  /* Truncated anywhere before field 22, or malformed: -EINVAL. */
  {
    g_autofree char *line = make_stat (4242, ") S 1 (", 77, 0, 987654321);
    const char *field22 = strstr (line, " 987654321");
    size_t full = (size_t) (field22 - line);

    g_assert_nonnull (field22);
    for (size_t len = 0; len <= full; len++)
      g_assert_cmpint (ps_proc_parse_stat (line, len, &st), ==, -EINVAL);
    /* The length bounds the parse even when the buffer goes on. */
    g_assert_cmpint (ps_proc_parse_stat (line, full + 4, &st), ==, 0);
    g_assert_cmpuint (st.start_time, ==, 987);
  }

  {
    const char *bad[] = {
      "garbage",
      "12 bash S 1",
      "x (bash) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5",
      "12 (bash) SS 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5",
      "12 (bash) S x 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5",
      "12 (bash) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 -5",
      "0 (bash) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5",
      "12(bash) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5",
      ") 12 (bash S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5",
    };
    for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_test_message ("bad stat %zu", i);
        g_assert_cmpint (ps_proc_parse_stat (bad[i], strlen (bad[i]), &st), ==, -EINVAL);
      }
    g_assert_cmpint (ps_proc_parse_stat ("12 (bash) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5",
                                         51, &st), ==, 0);
  }
}

static void
test_cgroup (void)
{
  static const struct
  {
    const char *text;
    const char *unit;
    int user_unit;
    const char *container;
  } cases[] = {
    { "0::/system.slice/nginx.service\n", "nginx.service", 0, NULL },
    { "0::/user.slice/user-1000.slice/user@1000.service/app.slice/foo.service\n", "foo.service", 1, NULL },
    { "0::/user.slice/user-1000.slice/user@1000.service/app.slice/app-gnome-org.gnome.Terminal-1234.scope\n",
      "app-gnome-org.gnome.Terminal-1234.scope", 1, NULL },
    { "0::/user.slice/user-1000.slice/user@1000.service/init.scope\n", "user@1000.service", 0, NULL },
    { "0::/user.slice/user-1000.slice/session-3.scope\n", "session-3.scope", 0, NULL },
    { "0::/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope\n",
      "docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope", 0, "docker:0123456789ab" },
    { "0::/machine.slice/libpod-fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210.scope/container\n",
      "libpod-fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210.scope", 0, "podman:fedcba987654" },
    { "0::/machine.slice/libpod-conmon-fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210.scope\n",
      "libpod-conmon-fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210.scope", 0, NULL },
    { "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/cri-containerd-aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899.scope\n",
      "cri-containerd-aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899.scope", 0, "containerd:aabbccddeeff" },
    { "12:memory:/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
      "1:name=systemd:/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
      NULL, 0, "docker:0123456789ab" },
    { "11:cpu,cpuacct:/system.slice/cups.service\n1:name=systemd:/system.slice/cups.service\n",
      "cups.service", 0, NULL },
    { "1:name=systemd:/system.slice/sshd.socket\n0::/\n", "sshd.socket", 0, NULL },
    { "0::/init.scope\r\n", "init.scope", 0, NULL },
    { "0::/\n", NULL, 0, NULL },
    { "0::/system.slice\n", NULL, 0, NULL },
    { "0::/system.slice/docker-xyz.scope\n", "docker-xyz.scope", 0, NULL },
    { "0::/system.slice/docker-0123.scope\n", "docker-0123.scope", 0, NULL },
    { "", NULL, 0, NULL },
    { "garbage", NULL, 0, NULL },
    { ":::::\n::\n0:\n0::\n0::relative/x.service\n", NULL, 0, NULL },
    { "0::/a.service/b.slice\n", "a.service", 0, NULL },
    { "0::/.service\n", NULL, 0, NULL },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      PsCgroupInfo info;

      g_test_message ("cgroup case %zu", i);
      g_assert_cmpint (ps_cgroup_parse (cases[i].text, strlen (cases[i].text), &info), ==, 0);
      g_assert_cmpstr (info.unit, ==, cases[i].unit);
      g_assert_cmpint (info.user_unit, ==, cases[i].user_unit);
      g_assert_cmpstr (info.container, ==, cases[i].container);
      ps_cgroup_info_clear (&info);
      g_assert_null (info.unit);
      g_assert_null (info.container);
    }
}

static void
test_passwd (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("portscope-passwd-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "passwd", NULL);
  g_autofree char *missing = g_build_filename (dir, "nope", NULL);
  const char *text =
    "# a comment: 5:5\n"
    "root:x:0:0:root:/root:/bin/bash\n"
    "\n"
    "short\n"
    "short2:x\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\r\n"
    "dup:x:1:1::/:/bin/false\n"
    ":x:7:7::/:/bin/false\n"
    "huge:x:4294967296:0::/:/bin/false\n"
    "neg:x:-1:0::/:/bin/false\n"
    "alpha:x:12a:0::/:/bin/false\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
    "max:x:4294967295:0::/:/bin/false\n"
    "+nis\n"
    "alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash";
  PsUserTable *table;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, text, -1, &error));

  table = ps_user_table_load (path);
  g_assert_nonnull (table);
  g_assert_cmpstr (ps_user_table_lookup (table, 0), ==, "root");
  g_assert_cmpstr (ps_user_table_lookup (table, 1), ==, "daemon");   /* first wins */
  g_assert_cmpstr (ps_user_table_lookup (table, 65534), ==, "nobody");
  g_assert_cmpstr (ps_user_table_lookup (table, 4294967295u), ==, "max");
  g_assert_cmpstr (ps_user_table_lookup (table, 1000), ==, "alice");  /* no final newline */
  g_assert_null (ps_user_table_lookup (table, 7));
  g_assert_null (ps_user_table_lookup (table, 5));
  g_assert_null (ps_user_table_lookup (table, 12));
  g_assert_null (ps_user_table_lookup (table, 2));
  ps_user_table_free (table);

  /* The environment override, and an unreadable file giving an empty table. */
  g_setenv ("PORTSCOPE_PASSWD", path, TRUE);
  table = ps_user_table_load (NULL);
  g_assert_cmpstr (ps_user_table_lookup (table, 1000), ==, "alice");
  ps_user_table_free (table);
  g_setenv ("PORTSCOPE_PASSWD", missing, TRUE);
  table = ps_user_table_load (NULL);
  g_assert_nonnull (table);
  g_assert_null (ps_user_table_lookup (table, 0));
  ps_user_table_free (table);
  g_unsetenv ("PORTSCOPE_PASSWD");

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_fake_tree (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("portscope-procinfo-XXXXXX", &error);
  g_autofree char *pid_dir = g_build_filename (root, "4242", NULL);
  g_autofree char *stat_text = make_stat (4242, ") S 1 (", 1, 0, 31337);
  g_autofree char *big = NULL;
  const char cmdline[] = "/usr/bin/server\0--port\0008080";   /* no final NUL */
  const char *names[] = { "stat", "status", "cmdline", "cgroup" };
  PsProcInfo info;
  PsProcStat st;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (pid_dir, 0755), ==, 0);
#define WRITE(name, data, len) \
  G_STMT_START { \
    g_autofree char *p_ = g_build_filename (pid_dir, name, NULL); \
    g_assert_true (g_file_set_contents (p_, data, len, NULL)); \
  } G_STMT_END
  WRITE ("stat", stat_text, -1);
  WRITE ("status", "Name:\tserver\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t1000\t1001\t1002\t1003\nGid:\t100\t100\t100\t100\n", -1);
  WRITE ("cmdline", cmdline, sizeof cmdline - 1);
  WRITE ("cgroup", "0::/user.slice/user-1000.slice/user@1000.service/app.slice/server.service\n", -1);
  {
    g_autofree char *exe = g_build_filename (pid_dir, "exe", NULL);
    g_assert_cmpint (symlink ("/usr/bin/server (deleted)", exe), ==, 0);
  }

  g_assert_cmpint (ps_proc_info_read (root, 4242, &info), ==, 0);
  g_assert_cmpint (info.pid, ==, 4242);
  g_assert_cmpint (info.ppid, ==, 1);
  g_assert_cmpuint (info.uid, ==, 1000);
  g_assert_cmpuint (info.start_time, ==, 31337);
  g_assert_cmpint (info.state, ==, 'S');
  g_assert_false (info.kernel_thread);
  g_assert_cmpstr (info.comm, ==, ") S 1 (");
  g_assert_cmpuint (info.cmdline_len, ==, sizeof cmdline);
  g_assert_cmpmem (info.cmdline, info.cmdline_len, cmdline, sizeof cmdline);
  g_assert_cmpstr (info.exe, ==, "/usr/bin/server (deleted)");
  g_assert_null (info.cwd);
  g_assert_cmpstr (info.cgroup.unit, ==, "server.service");
  g_assert_cmpint (info.cgroup.user_unit, ==, 1);
  ps_proc_info_clear (&info);

  /* A kernel thread: empty cmdline. */
  {
    g_autofree char *kt = make_stat (4242, "kworker/0:1", 2, 0x00208040, 7);
    WRITE ("stat", kt, -1);
    WRITE ("cmdline", "", 0);
  }
  g_assert_cmpint (ps_proc_info_read (root, 4242, &info), ==, 0);
  g_assert_true (info.kernel_thread);
  g_assert_null (info.cmdline);
  g_assert_cmpuint (info.cmdline_len, ==, 0);
  ps_proc_info_clear (&info);

  /* A huge command line is capped. */
  big = g_malloc (PS_PROC_CMDLINE_MAX * 2);
  memset (big, 'a', PS_PROC_CMDLINE_MAX * 2);
  WRITE ("cmdline", big, PS_PROC_CMDLINE_MAX * 2);
  g_assert_cmpint (ps_proc_info_read (root, 4242, &info), ==, 0);
  g_assert_cmpuint (info.cmdline_len, ==, PS_PROC_CMDLINE_MAX);
  g_assert_cmpint (info.cmdline[info.cmdline_len - 1], ==, '\0');
  ps_proc_info_clear (&info);

  /* Garbage status or stat: an error, and nothing leaks. */
  WRITE ("status", "Name:\tx\n", -1);
  g_assert_cmpint (ps_proc_info_read (root, 4242, &info), ==, -EINVAL);
  WRITE ("stat", "4242 (x", -1);
  g_assert_cmpint (ps_proc_read_stat (root, 4242, &st), ==, -EINVAL);

  /* Gone. */
  g_assert_cmpint (ps_proc_info_read (root, 4243, &info), ==, -ESRCH);
  g_assert_cmpint (ps_proc_read_stat (root, 4243, &st), ==, -ESRCH);
#undef WRITE

  for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *p = g_build_filename (pid_dir, names[i], NULL);
      g_unlink (p);
    }
  {
    g_autofree char *exe = g_build_filename (pid_dir, "exe", NULL);
    g_unlink (exe);
  }
  g_rmdir (pid_dir);
  g_rmdir (root);
}

static void
test_real_processes (void)
{
  PsProcInfo info;
  PsProcStat st, st2;
  int ready[2], release[2];
  pid_t child;
  char c;
  int status;

  /* Ourselves. */
  g_assert_cmpint (ps_proc_info_read (NULL, getpid (), &info), ==, 0);
  g_assert_cmpint (info.pid, ==, getpid ());
  g_assert_cmpint (info.ppid, ==, getppid ());
  g_assert_cmpuint (info.uid, ==, getuid ());
  g_assert_false (info.kernel_thread);
  g_assert_nonnull (info.cmdline);
  g_assert_true (g_str_has_suffix (info.cmdline, "test-probe-procinfo")
                 || strstr (info.cmdline, "test-") != NULL);
  g_assert_nonnull (info.exe);
  g_assert_nonnull (info.cwd);
  g_assert_cmpint (ps_proc_read_stat (NULL, getpid (), &st), ==, 0);
  g_assert_cmpuint (st.start_time, ==, info.start_time);
  ps_proc_info_clear (&info);

  /* A child naming itself ") S 1 (". */
  g_assert_cmpint (pipe2 (ready, O_CLOEXEC), ==, 0);
  g_assert_cmpint (pipe2 (release, O_CLOEXEC), ==, 0);
  child = fork ();
  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    {
      prctl (PR_SET_NAME, ") S 1 (", 0, 0, 0);
      if (write (ready[1], "r", 1) != 1)
        _exit (1);
      close (release[1]);
      while (read (release[0], &c, 1) > 0)
        ;
      _exit (0);
    }
  close (ready[1]);
  close (release[0]);
  g_assert_cmpint (read (ready[0], &c, 1), ==, 1);
  close (ready[0]);

  g_assert_cmpint (ps_proc_read_stat (NULL, child, &st2), ==, 0);
  g_assert_cmpstr (st2.comm, ==, ") S 1 (");
  g_assert_cmpint (st2.ppid, ==, getpid ());
  g_assert_cmpuint (st2.start_time, >=, st.start_time);

  close (release[1]);
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  g_assert_cmpint (ps_proc_read_stat (NULL, child, &st2), ==, -ESRCH);
  g_assert_cmpint (ps_proc_info_read (NULL, child, &info), ==, -ESRCH);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/probe/procinfo/parse-stat", test_parse_stat);
  g_test_add_func ("/probe/procinfo/cgroup", test_cgroup);
  g_test_add_func ("/probe/procinfo/passwd", test_passwd);
  g_test_add_func ("/probe/procinfo/fake-tree", test_fake_tree);
  g_test_add_func ("/probe/procinfo/real-processes", test_real_processes);

  return g_test_run ();
}
