#include "gui/editors/TimestampValueEditor.h"

#include "gui/FieldEditor.h"

#include <QDateTimeEdit>
#include <QHBoxLayout>
#include <QLabel>

namespace mmf::studio {

TimestampValueEditor::TimestampValueEditor(const FormField& field, const QString& path, EditorIndex& index,
                                           QWidget* parent)
    : ValueEditor(field, path, parent)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_edit = new QDateTimeEdit(QDateTime::currentDateTime(), this);
    m_edit->setCalendarPopup(true);
    m_edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    registerInput(m_edit, index);
    connect(m_edit, &QDateTimeEdit::dateTimeChanged, this, &ValueEditor::edited);
    layout->addWidget(m_edit);
    layout->addWidget(new QLabel(FieldEditor::tr("local time"), this));
    layout->addStretch();
}

Result<QJsonValue> TimestampValueEditor::value() const
{
    return QJsonValue(m_edit->dateTime().toUTC().toString(Qt::ISODateWithMs));
}

void TimestampValueEditor::setValue(const QJsonValue& value)
{
    const QDateTime time = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
    if (time.isValid())
        m_edit->setDateTime(time.toLocalTime());
}

} // namespace mmf::studio
