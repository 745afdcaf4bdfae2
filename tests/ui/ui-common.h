/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the window tests share: waiting on the main loop with a deadline, and
 * a template child that must exist. */
#pragma once

#include <gtk/gtk.h>

#define UI_DEADLINE_USEC (30 * G_USEC_PER_SEC)

typedef gboolean (*UiCondition) (gpointer data);

static inline gboolean
ui_wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Spins the main loop until CONDITION holds; FALSE after the deadline. */
static inline gboolean
ui_wait_for (UiCondition condition,
             gpointer    data)
{
  gint64 deadline = g_get_monotonic_time () + UI_DEADLINE_USEC;
  guint tick = g_timeout_add (25, ui_wake_up, NULL);
  gboolean ok;

  while (!(ok = condition (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (tick);
  return ok;
}

/* WIDGET's template child NAME, declared by TYPE's template. */
static inline gpointer
ui_template_child (gpointer    widget,
                   GType       type,
                   const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (child);
  return child;
}
