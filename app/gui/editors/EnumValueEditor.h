#pragma once

#include "gui/editors/ValueEditor.h"

class QComboBox;

namespace mmf::studio {

// The enum's values in a combo box, in declaration order.
class EnumValueEditor : public ValueEditor
{
    Q_OBJECT
public:
    EnumValueEditor(const FormField& field, const QString& path, EditorIndex& index, QWidget* parent);
    Result<QJsonValue> value() const override;
    void setValue(const QJsonValue& value) override;

private:
    QComboBox* m_combo = nullptr;
};

} // namespace mmf::studio
