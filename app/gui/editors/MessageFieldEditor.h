#pragma once

#include "gui/FieldEditor.h"

namespace mmf::studio {

class EditorIndex;
class MessageValueEditor;

// A nested message as a field: its group ("field_<path>"), sent when something in it is set.
class MessageFieldEditor : public FieldEditor
{
    Q_OBJECT
public:
    MessageFieldEditor(const FormField& field, const QString& path, EditorIndex& index, QWidget* parent);
    Result<void> collect(QJsonObject& into) const override;
    void load(const QJsonObject& from) override;

private:
    MessageValueEditor* m_editor = nullptr;
};

} // namespace mmf::studio
