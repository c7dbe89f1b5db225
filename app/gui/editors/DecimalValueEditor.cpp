#include "gui/editors/DecimalValueEditor.h"

#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QSlider>
#include <algorithm>

namespace mmf::studio {

DecimalValueEditor::DecimalValueEditor(const FormField& field, const QString& path, EditorIndex& index,
                                       QWidget* parent)
    : ValueEditor(field, path, parent)
{
    const UiHints& ui = field.ui;
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_spin = new QDoubleSpinBox(this);
    m_spin->setDecimals(field.kind == FormField::Float ? 4 : 6);
    m_spin->setRange(ui.min.value_or(0), ui.max.value_or(0));
    m_spin->setValue(std::clamp(0.0, m_spin->minimum(), m_spin->maximum()));
    m_spin->setMinimumWidth(140);
    if (!ui.unit.isEmpty())
        m_spin->setSuffix(QLatin1Char(' ') + ui.unit);
    registerInput(m_spin, index);
    connect(m_spin, &QDoubleSpinBox::valueChanged, this, &ValueEditor::edited);
    if (ui.widget == UiHints::Slider) {
        auto* slider = new QSlider(Qt::Horizontal, this);
        slider->setObjectName(QStringLiteral("slider_") + path);
        slider->setRange(0, 1000);
        connect(slider, &QSlider::valueChanged, this, [this](int step) {
            const double span = m_spin->maximum() - m_spin->minimum();
            m_spin->setValue(m_spin->minimum() + span * step / 1000.0);
        });
        layout->addWidget(slider, 1);
        layout->addWidget(m_spin);
    } else {
        layout->addWidget(m_spin);
        layout->addStretch();
    }
}

Result<QJsonValue> DecimalValueEditor::value() const
{
    return QJsonValue(m_spin->value());
}

void DecimalValueEditor::setValue(const QJsonValue& value)
{
    m_spin->setValue(value.isString() ? value.toString().toDouble() : value.toDouble());
}

} // namespace mmf::studio
