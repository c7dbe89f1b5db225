#pragma once

#include "gui/editors/ValueEditor.h"

class QPlainTextEdit;

namespace mmf::studio {

// Several lines: a MULTILINE string, or raw JSON (Struct, Value, Any, too deep a message), checked as typed.
class TextValueEditor : public ValueEditor
{
    Q_OBJECT
public:
    TextValueEditor(const FormField& field, const QString& path, EditorIndex& index, QWidget* parent);
    Result<QJsonValue> value() const override;
    void setValue(const QJsonValue& value) override;

private:
    QPlainTextEdit* m_text = nullptr;
};

} // namespace mmf::studio
