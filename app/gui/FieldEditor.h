#pragma once

#include "core/FormModel.h"
#include "core/Result.h"

#include <QJsonObject>
#include <QWidget>

namespace mmf::studio {

// The editor of one field of a message, one class per kind (gui/editors: SingleFieldEditor, ListFieldEditor,
// GridFieldEditor, OneofFieldEditor, MessageFieldEditor), made by EditorFactory::createField. collect()
// writes its JSON into the parent object (nothing for an empty or None field); load() reads it back. Errors
// name the field's path.
class FieldEditor : public QWidget
{
    Q_OBJECT
public:
    // The editor with the field's comment under it and a "Dictionary" link (href "field:<path>") that asks
    // the enclosing RequestForm to show the field in the glossary; the editor itself when the field has no
    // comment.
    static QWidget* withHelp(const FormField& field, const QString& path, QWidget* editor, QWidget* host);

    virtual Result<void> collect(QJsonObject& into) const = 0;
    virtual void load(const QJsonObject& from) = 0;
    const FormField& field() const { return m_field; }
    const QString& path() const { return m_path; }

    // Marks a widget invalid (red frame, tooltip with the reason) or valid again. The frame replaces the
    // widget's own border without changing its size, so the form does not move.
    static void flag(QWidget* widget, const QString& message);
    static void unflag(QWidget* widget);

signals:
    void edited();

protected:
    FieldEditor(FormField field, QString path, QWidget* parent);

    FormField m_field;
    QString m_path;
};

} // namespace mmf::studio
