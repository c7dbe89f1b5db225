#include "gui/editors/BoolValueEditor.h"

#include <QCheckBox>
#include <QHBoxLayout>

namespace mmf::studio {

BoolValueEditor::BoolValueEditor(const FormField& field, const QString& path, EditorIndex& index,
                                 QWidget* parent)
    : ValueEditor(field, path, parent)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_check = new QCheckBox(this);
    registerInput(m_check, index);
    connect(m_check, &QCheckBox::toggled, this, &ValueEditor::edited);
    layout->addWidget(m_check);
}

Result<QJsonValue> BoolValueEditor::value() const
{
    return QJsonValue(m_check->isChecked());
}

void BoolValueEditor::setValue(const QJsonValue& value)
{
    m_check->setChecked(value.toBool());
}

} // namespace mmf::studio
