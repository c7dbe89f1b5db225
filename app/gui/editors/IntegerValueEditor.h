#pragma once

#include "gui/editors/ValueEditor.h"

class QLabel;
class QSlider;

namespace mmf::studio {

class BoundedSpinBox;

// A 32-bit whole number in a spin box bounded by its type and (mmf.ui) min/max, with a SLIDER when asked
// for; text beyond the range is refused with a message under the box ("range_<path>").
class IntegerValueEditor : public ValueEditor
{
    Q_OBJECT
public:
    IntegerValueEditor(const FormField& field, const QString& path, EditorIndex& index, QWidget* parent);
    Result<QJsonValue> value() const override;
    void setValue(const QJsonValue& value) override;

private:
    BoundedSpinBox* m_spin = nullptr;
    QSlider* m_slider = nullptr;
    QLabel* m_rangeMessage = nullptr;
};

} // namespace mmf::studio
