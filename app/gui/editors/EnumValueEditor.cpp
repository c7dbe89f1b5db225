#include "gui/editors/EnumValueEditor.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <algorithm>

namespace mmf::studio {

EnumValueEditor::EnumValueEditor(const FormField& field, const QString& path, EditorIndex& index,
                                 QWidget* parent)
    : ValueEditor(field, path, parent)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_combo = new QComboBox(this);
    m_combo->addItems(field.enumValues);
    registerInput(m_combo, index);
    connect(m_combo, &QComboBox::currentIndexChanged, this, &ValueEditor::edited);
    layout->addWidget(m_combo);
    layout->addStretch();
}

Result<QJsonValue> EnumValueEditor::value() const
{
    return QJsonValue(m_combo->currentText());
}

void EnumValueEditor::setValue(const QJsonValue& value)
{
    const int index = value.isDouble() ? value.toInt() : m_combo->findText(value.toString());
    m_combo->setCurrentIndex(std::max(0, index));
}

} // namespace mmf::studio
