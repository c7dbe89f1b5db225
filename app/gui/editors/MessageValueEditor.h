#pragma once

#include "gui/editors/ValueEditor.h"

#include <QList>

class QFormLayout;

namespace mmf::studio {

class FieldEditor;

// A nested message: one FieldEditor per field in a form; framed in a group box named "field_<path>" when it
// is an element of a list or a oneof member (a message field's own frame is MessageFieldEditor's).
class MessageValueEditor : public ValueEditor
{
    Q_OBJECT
public:
    MessageValueEditor(const FormField& field, const QString& path, EditorIndex& index, QWidget* parent,
                       bool framed);
    Result<QJsonValue> value() const override;
    void setValue(const QJsonValue& value) override;

private:
    QList<FieldEditor*> m_editors;
};

} // namespace mmf::studio
