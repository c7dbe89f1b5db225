#include "gui/editors/LineValueEditor.h"

#include "gui/FieldEditor.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>

namespace mmf::studio {

namespace {
QString placeholderFor(const FormField& field)
{
    switch (field.kind) {
    case FormField::UInt32:
        return FieldEditor::tr("a whole number from 0 to 4294967295");
    case FormField::Float:
    case FormField::Double:
        return FieldEditor::tr("a number, e.g. 3.14 or 1e-3");
    case FormField::Int64:
        return FieldEditor::tr("a whole number (64-bit)");
    case FormField::UInt64:
        return FieldEditor::tr("a whole number from 0 (64-bit)");
    case FormField::Duration:
        return FieldEditor::tr("seconds, e.g. 1.5s");
    default:
        return {};
    }
}
} // namespace

LineValueEditor::LineValueEditor(const FormField& field, const QString& path, EditorIndex& index,
                                 QWidget* parent)
    : ValueEditor(field, path, parent)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_line = new QLineEdit(this);
    m_line->setPlaceholderText(placeholderFor(field));
    m_line->setClearButtonEnabled(true);
    if (field.ui.widget == UiHints::Secret)
        m_line->setEchoMode(QLineEdit::Password);
    registerInput(m_line, index);
    connect(m_line, &QLineEdit::textChanged, this, [this] {
        (void)checked(m_line, m_line->text());
        emit edited();
    });
    layout->addWidget(m_line, 1);
    if (!field.ui.unit.isEmpty())
        layout->addWidget(new QLabel(field.ui.unit, this));
}

Result<QJsonValue> LineValueEditor::value() const
{
    return checked(m_line, m_line->text());
}

void LineValueEditor::setValue(const QJsonValue& value)
{
    m_line->setText(textOfJson(value));
}

} // namespace mmf::studio
