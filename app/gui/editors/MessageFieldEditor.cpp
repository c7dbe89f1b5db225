#include "gui/editors/MessageFieldEditor.h"

#include "gui/editors/EditorIndex.h"
#include "gui/editors/MessageValueEditor.h"

#include <QGroupBox>
#include <QVBoxLayout>

namespace mmf::studio {

MessageFieldEditor::MessageFieldEditor(const FormField& field, const QString& path, EditorIndex& index,
                                       QWidget* parent)
    : FieldEditor(field, path, parent)
{
    setObjectName(QStringLiteral("row_") + path);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* box = new QGroupBox(this);
    box->setObjectName(QStringLiteral("field_") + path);
    m_editor = new MessageValueEditor(field, path, index, box, false);
    index.add(path, box);
    connect(m_editor, &ValueEditor::edited, this, &FieldEditor::edited);
    auto* boxLayout = new QVBoxLayout(box);
    boxLayout->setContentsMargins(8, 8, 8, 8);
    boxLayout->addWidget(m_editor);
    layout->addWidget(box);
}

Result<void> MessageFieldEditor::collect(QJsonObject& into) const
{
    Result<QJsonValue> value = m_editor->value();
    if (!value)
        return value.error();
    if (!value->isUndefined())
        into.insert(m_field.name, *value);
    return {};
}

void MessageFieldEditor::load(const QJsonObject& from)
{
    m_editor->setValue(from.value(m_field.name));
}

} // namespace mmf::studio
