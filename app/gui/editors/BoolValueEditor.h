#pragma once

#include "gui/editors/ValueEditor.h"

class QCheckBox;

namespace mmf::studio {

// A check box.
class BoolValueEditor : public ValueEditor
{
    Q_OBJECT
public:
    BoolValueEditor(const FormField& field, const QString& path, EditorIndex& index, QWidget* parent);
    Result<QJsonValue> value() const override;
    void setValue(const QJsonValue& value) override;

private:
    QCheckBox* m_check = nullptr;
};

} // namespace mmf::studio
