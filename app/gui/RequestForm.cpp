#include "gui/RequestForm.h"

#include "gui/FieldEditor.h"
#include "gui/editors/MessageValueEditor.h"

#include <QEvent>
#include <QLabel>
#include <QVBoxLayout>

namespace mmf::studio {

RequestForm::RequestForm(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("requestForm"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    // Room the fields do not need stays below them: rows (a picture picker) never spread over the page.
    layout->addStretch(1);
}

void RequestForm::setMessage(std::vector<FormField> fields)
{
    delete m_body;
    m_index.clear();
    m_fields = std::move(fields);
    // The request is a message like any nested one, without a frame.
    FormField root;
    root.kind = FormField::Message;
    root.children = m_fields;
    m_root = new MessageValueEditor(root, QString(), m_index, this, false);
    m_body = m_root;
    connect(m_root, &ValueEditor::edited, this, &RequestForm::edited);
    if (m_fields.empty())
        m_root->layout()->addWidget(new QLabel(tr("This request has no fields."), m_root));
    static_cast<QVBoxLayout*>(layout())->insertWidget(0, m_body);
}

void RequestForm::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() != QEvent::LanguageChange || m_fields.empty())
        return;
    // After the event has reached every child: the editors are replaced, not retranslated one by one.
    QMetaObject::invokeMethod(
        this,
        [this] {
            const Result<QJsonObject> held = value();
            if (!held)
                return;
            std::vector<FormField> fields = m_fields;
            setMessage(std::move(fields));
            setValue(*held);
        },
        Qt::QueuedConnection);
}

Result<QJsonObject> RequestForm::value() const
{
    if (!m_root)
        return QJsonObject();
    Result<QJsonValue> value = m_root->value();
    if (!value)
        return value.error();
    return value->toObject(); // undefined (nothing set) is {}
}

void RequestForm::setValue(const QJsonObject& json)
{
    if (m_root)
        m_root->setValue(json);
}

void RequestForm::clear()
{
    setValue({});
}

bool RequestForm::flagField(const QString& path, const QString& message)
{
    // A path into a list or message the form has no input for ("values[3]" of a grid) flags its field.
    QString known = path;
    while (!known.isEmpty() && !m_index.input(known)) {
        const int cut = std::max(known.lastIndexOf(QLatin1Char('.')), known.lastIndexOf(QLatin1Char('[')));
        known = cut > 0 ? known.left(cut) : QString();
    }
    QWidget* widget = m_index.input(known);
    if (!widget)
        return false;
    FieldEditor::flag(widget, message);
    return true;
}

QStringList RequestForm::invalidPaths() const
{
    return m_index.invalidPaths();
}

} // namespace mmf::studio
