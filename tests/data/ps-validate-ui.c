/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ps-validate-ui: `gtk4-builder-tool validate` for Portscope's .ui files.
 *
 * gtk4-builder-tool knows only GTK's own types: a template whose parent is an
 * Adw widget, or that holds a Portscope widget, cannot be checked by it.  This
 * program does what it does (parse the file; for a template, build it on a
 * stand-in type derived from the declared parent; accept any signal handler
 * name) with libadwaita initialised and the Portscope UI library linked in, so
 * that every type a .ui names resolves the way it does in the app.
 *
 * One file per process: the template's own class must not be registered yet,
 * so a stand-in of that name can be made.  Exit 0 valid, 1 invalid, 77 when
 * there is no display.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <gtk/gtk.h>
#include <adwaita.h>

#include "ps-resources.h"

/* A builder scope that resolves types like GtkBuilderCScope but accepts any
 * signal handler: the handlers live in the real classes, not in this tool. */
#define PS_TYPE_VALIDATE_SCOPE (ps_validate_scope_get_type ())
G_DECLARE_FINAL_TYPE (PsValidateScope, ps_validate_scope, PS, VALIDATE_SCOPE, GtkBuilderCScope)

struct _PsValidateScope
{
  GtkBuilderCScope parent_instance;
};

static void ps_validate_scope_iface_init (GtkBuilderScopeInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PsValidateScope, ps_validate_scope, GTK_TYPE_BUILDER_CSCOPE,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDER_SCOPE,
                                                      ps_validate_scope_iface_init))

static void
noop_handler (void)
{
}

static GClosure *
ps_validate_scope_create_closure (GtkBuilderScope        *scope,
                                  GtkBuilder             *builder,
                                  const char             *function_name,
                                  GtkBuilderClosureFlags  flags,
                                  GObject                *object,
                                  GError                **error)
{
  if (function_name == NULL || *function_name == '\0')
    {
      g_set_error (error, GTK_BUILDER_ERROR, GTK_BUILDER_ERROR_INVALID_FUNCTION,
                   "Empty signal handler name");
      return NULL;
    }
  return g_cclosure_new (G_CALLBACK (noop_handler), NULL, NULL);
}

static void
ps_validate_scope_iface_init (GtkBuilderScopeInterface *iface)
{
  iface->create_closure = ps_validate_scope_create_closure;
}

static void
ps_validate_scope_class_init (PsValidateScopeClass *klass)
{
}

static void
ps_validate_scope_init (PsValidateScope *self)
{
}

static GType
make_stand_in_type (const char  *type_name,
                    const char  *parent_name,
                    GtkBuilder  *builder,
                    GError     **error)
{
  GType parent_type;
  GTypeQuery query;

  parent_type = gtk_builder_get_type_from_name (builder, parent_name);
  if (parent_type == G_TYPE_INVALID)
    {
      g_set_error (error, GTK_BUILDER_ERROR, GTK_BUILDER_ERROR_INVALID_VALUE,
                   "Unknown template parent type %s", parent_name);
      return G_TYPE_INVALID;
    }
  g_type_query (parent_type, &query);
  return g_type_register_static_simple (parent_type, type_name,
                                        query.class_size, NULL,
                                        query.instance_size, NULL, 0);
}

static char *
quoted_after (const char *message,
              const char *marker)
{
  const char *start = strstr (message, marker);
  const char *end;

  if (start == NULL)
    return NULL;
  start += strlen (marker);
  end = strchr (start, '\'');
  if (end == NULL)
    return NULL;
  return g_strndup (start, end - start);
}

/* The builder and the object are deliberately kept alive: the process exits
 * right after, and tearing down a stand-in (which lacks the real class'
 * dispose) would only report on the stand-in. */
static gboolean
validate_template (const char  *filename,
                   const char  *type_name,
                   const char  *parent_name,
                   GError     **error)
{
  GtkBuilder *builder = gtk_builder_new ();
  g_autoptr(GtkBuilderScope) scope = g_object_new (PS_TYPE_VALIDATE_SCOPE, NULL);
  GType template_type;
  GObject *object;

  gtk_builder_set_scope (builder, scope);

  if (g_type_from_name (type_name) != G_TYPE_INVALID)
    {
      g_set_error (error, GTK_BUILDER_ERROR, GTK_BUILDER_ERROR_INVALID_VALUE,
                   "Template class %s is already registered; validate one file per process",
                   type_name);
      return FALSE;
    }
  template_type = make_stand_in_type (type_name, parent_name, builder, error);
  if (template_type == G_TYPE_INVALID)
    return FALSE;

  object = g_object_ref_sink (g_object_new (template_type, NULL));
  if (!gtk_builder_extend_with_template (builder, object, template_type, " ", 1, error))
    return FALSE;
  return gtk_builder_add_from_file (builder, filename, error);
}

static gboolean
validate_file (const char  *filename,
               GError     **error)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new ();
  g_autoptr(GtkBuilderScope) scope = g_object_new (PS_TYPE_VALIDATE_SCOPE, NULL);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *class_name = NULL;
  g_autofree char *parent_name = NULL;
  GSList *objects;

  gtk_builder_set_scope (builder, scope);
  if (gtk_builder_add_from_file (builder, filename, &local_error))
    {
      /* Toplevels the file made would outlive the builder. */
      objects = gtk_builder_get_objects (builder);
      for (GSList *l = objects; l != NULL; l = l->next)
        if (GTK_IS_WINDOW (l->data))
          gtk_window_destroy (GTK_WINDOW (l->data));
      g_slist_free (objects);
      return TRUE;
    }

  /* A template is reported as an unhandled tag naming its class and parent. */
  if (g_error_matches (local_error, GTK_BUILDER_ERROR, GTK_BUILDER_ERROR_UNHANDLED_TAG))
    {
      class_name = quoted_after (local_error->message, "(class '");
      parent_name = quoted_after (local_error->message, ", parent '");
      if (class_name != NULL && parent_name != NULL)
        return validate_template (filename, class_name, parent_name, error);
    }

  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;

  if (argc != 2)
    {
      g_printerr ("usage: %s FILE.ui\n", argv[0]);
      return 2;
    }

  if (!gtk_init_check ())
    {
      g_printerr ("no display: skipped\n");
      return 77;
    }
  adw_init ();
  /* The templates of the real widgets a .ui may hold.  Types are resolved
   * lazily by name (this program exports its symbols), so the class a
   * template file defines is never registered before its stand-in. */
  ps_register_resource ();

  if (!validate_file (argv[1], &error))
    {
      g_printerr ("%s: %s\n", argv[1], error->message);
      return 1;
    }
  g_print ("%s: valid\n", argv[1]);
  return 0;
}
