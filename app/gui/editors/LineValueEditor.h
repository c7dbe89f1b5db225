#pragma once

#include "gui/editors/ValueEditor.h"

class QLineEdit;

namespace mmf::studio {

// One line of text: strings, 64-bit and unbounded numbers, durations. Checked as typed.
class LineValueEditor : public ValueEditor
{
    Q_OBJECT
public:
    LineValueEditor(const FormField& field, const QString& path, EditorIndex& index, QWidget* parent);
    Result<QJsonValue> value() const override;
    void setValue(const QJsonValue& value) override;

private:
    QLineEdit* m_line = nullptr;
};

} // namespace mmf::studio
