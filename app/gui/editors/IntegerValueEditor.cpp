#include "gui/editors/IntegerValueEditor.h"

#include "gui/FieldEditor.h"
#include "gui/editors/BoundedSpinBox.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QVBoxLayout>
#include <algorithm>

#include <climits>
#include <cmath>

namespace mmf::studio {

IntegerValueEditor::IntegerValueEditor(const FormField& field, const QString& path, EditorIndex& index,
                                       QWidget* parent)
    : ValueEditor(field, path, parent)
{
    const UiHints& ui = field.ui;
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);
    auto* layout = new QHBoxLayout;
    column->addLayout(layout);
    const double low =
        std::max(ui.min.value_or(field.kind == FormField::Int32 ? double(INT_MIN) : 0.0), double(INT_MIN));
    const double high = std::min(ui.max.value_or(double(INT_MAX)), double(INT_MAX));
    m_spin = new BoundedSpinBox(this);
    m_spin->setRange(int(std::ceil(low)), int(std::floor(high)));
    m_spin->setValue(std::clamp(0, m_spin->minimum(), m_spin->maximum()));
    m_spin->setAccelerated(true);
    m_spin->setMinimumWidth(120);
    if (!ui.unit.isEmpty())
        m_spin->setSuffix(QLatin1Char(' ') + ui.unit);
    registerInput(m_spin, index);
    if (ui.widget == UiHints::Slider && ui.min && ui.max) {
        m_slider = new QSlider(Qt::Horizontal, this);
        m_slider->setObjectName(QStringLiteral("slider_") + path);
        m_slider->setRange(m_spin->minimum(), m_spin->maximum());
        connect(m_slider, &QSlider::valueChanged, m_spin, &QSpinBox::setValue);
        connect(m_spin, &QSpinBox::valueChanged, m_slider, &QSlider::setValue);
        layout->addWidget(m_slider, 1);
        layout->addWidget(m_spin);
    } else {
        layout->addWidget(m_spin);
        layout->addStretch();
    }
    // Reserved room (retained when hidden), so the rows below do not move when it shows.
    m_rangeMessage = new QLabel(this);
    m_rangeMessage->setObjectName(QStringLiteral("range_") + path);
    m_rangeMessage->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_rangeMessage->setWordWrap(true);
    m_rangeMessage->hide();
    column->addWidget(m_rangeMessage);
    connect(m_spin, &QSpinBox::valueChanged, this, [this] {
        m_rangeMessage->hide();
        emit edited();
    });
    connect(m_spin, &BoundedSpinBox::outOfRange, this, [this](const QString& text) {
        m_rangeMessage->setText(FieldEditor::tr("%1 is outside the allowed range %2 to %3: it was not taken.")
                                    .arg(text)
                                    .arg(m_spin->minimum())
                                    .arg(m_spin->maximum()));
        m_rangeMessage->show();
    });
}

Result<QJsonValue> IntegerValueEditor::value() const
{
    return QJsonValue(m_spin->value());
}

void IntegerValueEditor::setValue(const QJsonValue& value)
{
    m_spin->setValue(value.isString() ? value.toString().toInt() : value.toInt());
    m_rangeMessage->hide();
}

} // namespace mmf::studio
