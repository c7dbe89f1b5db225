#include "gui/editors/MessageValueEditor.h"

#include "gui/FieldEditor.h"
#include "gui/editors/EditorFactory.h"
#include "gui/editors/EditorIndex.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QJsonObject>
#include <QLabel>
#include <QVBoxLayout>

namespace mmf::studio {

MessageValueEditor::MessageValueEditor(const FormField& field, const QString& path, EditorIndex& index,
                                       QWidget* parent, bool framed)
    : ValueEditor(field, path, parent)
{
    setObjectName(QStringLiteral("message_") + path);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    QWidget* host = this;
    if (framed) {
        auto* box = new QGroupBox(field.label, this);
        box->setObjectName(QStringLiteral("field_") + path);
        index.add(path, box);
        outer->addWidget(box);
        host = box;
    }
    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignTop);
    if (path.isEmpty()) { // the request itself: more air between its rows
        form->setVerticalSpacing(10);
        form->setHorizontalSpacing(12);
    }
    if (host == this)
        outer->addLayout(form);
    else
        host->setLayout(form);
    const QString prefix = path.isEmpty() ? QString() : path + QLatin1Char('.');
    for (const FormField& child : field.children) {
        FieldEditor* editor = EditorFactory::createField(child, prefix + child.name, index, host);
        m_editors.append(editor);
        connect(editor, &FieldEditor::edited, this, &ValueEditor::edited);
        auto* label = new QLabel(child.label + QLatin1Char(':'), host);
        label->setObjectName(QStringLiteral("label_") + prefix + child.name);
        label->setToolTip(child.help);
        form->addRow(label, FieldEditor::withHelp(child, prefix + child.name, editor, host));
    }
}

Result<QJsonValue> MessageValueEditor::value() const
{
    QJsonObject object;
    std::optional<Error> first;
    for (FieldEditor* editor : m_editors) {
        Result<void> done = editor->collect(object);
        if (!done && !first)
            first = done.error();
    }
    if (first)
        return *first;
    return object.isEmpty() ? QJsonValue(QJsonValue::Undefined) : QJsonValue(object);
}

void MessageValueEditor::setValue(const QJsonValue& value)
{
    const QJsonObject object = value.toObject();
    for (FieldEditor* editor : m_editors)
        editor->load(object);
}

} // namespace mmf::studio
