#include "gui/editors/ValueEditor.h"

#include "gui/FieldEditor.h"
#include "gui/editors/EditorIndex.h"

#include <cmath>

namespace mmf::studio {

ValueEditor::ValueEditor(FormField field, QString path, QWidget* parent)
    : QWidget(parent)
    , m_field(std::move(field))
    , m_path(std::move(path))
{
    setObjectName(QStringLiteral("editor_") + m_path);
}

void ValueEditor::registerInput(QWidget* input, EditorIndex& index)
{
    input->setObjectName(QStringLiteral("field_") + m_path);
    // The field's comment is the input's help; FieldEditor::unflag() restores it.
    input->setProperty("help", m_field.help);
    input->setToolTip(m_field.help);
    index.add(m_path, input);
}

Result<QJsonValue> ValueEditor::checked(QWidget* input, const QString& text) const
{
    Result<QJsonValue> parsed = FormModel::parseScalar(m_field, text);
    if (!parsed) {
        Error error = parsed.error();
        error.field = m_path;
        FieldEditor::flag(input, error.message);
        return error;
    }
    FieldEditor::unflag(input);
    return parsed;
}

QString textOfJson(const QJsonValue& value)
{
    if (value.isString())
        return value.toString();
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (value.isDouble()) {
        const double number = value.toDouble();
        if (std::floor(number) == number && std::abs(number) < 9.0e15)
            return QString::number(qint64(number));
        return QString::number(number, 'g', 17);
    }
    return {};
}

} // namespace mmf::studio
