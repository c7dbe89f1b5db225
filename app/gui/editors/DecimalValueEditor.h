#pragma once

#include "gui/editors/ValueEditor.h"

class QDoubleSpinBox;

namespace mmf::studio {

// A float or double bounded by (mmf.ui) min and max, in a spin box, with a SLIDER when asked for.
class DecimalValueEditor : public ValueEditor
{
    Q_OBJECT
public:
    DecimalValueEditor(const FormField& field, const QString& path, EditorIndex& index, QWidget* parent);
    Result<QJsonValue> value() const override;
    void setValue(const QJsonValue& value) override;

private:
    QDoubleSpinBox* m_spin = nullptr;
};

} // namespace mmf::studio
