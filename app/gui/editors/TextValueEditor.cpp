#include "gui/editors/TextValueEditor.h"

#include "gui/FieldEditor.h"

#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPlainTextEdit>

namespace mmf::studio {

TextValueEditor::TextValueEditor(const FormField& field, const QString& path, EditorIndex& index,
                                 QWidget* parent)
    : ValueEditor(field, path, parent)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_text = new QPlainTextEdit(this);
    m_text->setTabChangesFocus(true);
    m_text->setFixedHeight(72);
    if (field.kind == FormField::Json)
        m_text->setPlaceholderText(FieldEditor::tr("JSON, e.g. {\"key\": 1}"));
    registerInput(m_text, index);
    connect(m_text, &QPlainTextEdit::textChanged, this, [this] {
        if (m_field.kind == FormField::Json)
            (void)checked(m_text, m_text->toPlainText());
        emit edited();
    });
    layout->addWidget(m_text);
}

Result<QJsonValue> TextValueEditor::value() const
{
    return checked(m_text, m_text->toPlainText());
}

void TextValueEditor::setValue(const QJsonValue& value)
{
    m_text->setPlainText(
        m_field.kind == FormField::Json && !value.isUndefined()
            ? QString::fromUtf8(
                  QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact).mid(1).chopped(1))
            : textOfJson(value));
}

} // namespace mmf::studio
