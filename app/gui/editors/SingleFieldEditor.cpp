#include "gui/editors/SingleFieldEditor.h"

#include "gui/editors/EditorFactory.h"
#include "gui/editors/ValueEditor.h"

#include <QCheckBox>
#include <QHBoxLayout>

namespace mmf::studio {

SingleFieldEditor::SingleFieldEditor(const FormField& field, const QString& path, EditorIndex& index,
                                     QWidget* parent)
    : FieldEditor(field, path, parent)
{
    setObjectName(QStringLiteral("row_") + path);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    if (field.hasPresence || field.kind == FormField::Timestamp) {
        m_set = new QCheckBox(field.kind == FormField::Timestamp ? FieldEditor::tr("Set")
                                                                 : FieldEditor::tr("Set (else None)"),
                              this);
        m_set->setObjectName(QStringLiteral("set_") + path);
        m_set->setToolTip(FieldEditor::tr("Leave unchecked to leave the field out (None)."));
        layout->addWidget(m_set, 0, Qt::AlignTop);
        connect(m_set, &QCheckBox::toggled, this, &FieldEditor::edited);
    }
    m_editor = EditorFactory::createValue(field, path, index, this);
    connect(m_editor, &ValueEditor::edited, this, [this] {
        if (m_set && !m_loading)
            m_set->setChecked(true);
        emit edited();
    });
    layout->addWidget(m_editor, 1);
}

Result<void> SingleFieldEditor::collect(QJsonObject& into) const
{
    if (m_set && !m_set->isChecked())
        return {};
    Result<QJsonValue> value = m_editor->value();
    if (!value)
        return value.error();
    if (value->isUndefined()) {
        if (m_set)
            into.insert(m_field.name, FormModel::defaultValue(m_field));
        return {};
    }
    into.insert(m_field.name, *value);
    return {};
}

void SingleFieldEditor::load(const QJsonObject& from)
{
    m_loading = true;
    const QJsonValue value = from.value(m_field.name);
    if (m_set)
        m_set->setChecked(!value.isUndefined());
    m_editor->setValue(value.isUndefined() && m_field.kind != FormField::Timestamp ? QJsonValue() : value);
    m_loading = false;
}

} // namespace mmf::studio
