#include "gui/FieldEditor.h"

#include "gui/RequestForm.h"

#include <QAbstractScrollArea>
#include <QLabel>
#include <QPalette>
#include <QVBoxLayout>
#include <QVariant>

namespace mmf::studio {

FieldEditor::FieldEditor(FormField field, QString path, QWidget* parent)
    : QWidget(parent)
    , m_field(std::move(field))
    , m_path(std::move(path))
{}

QWidget* FieldEditor::withHelp(const FormField& field, const QString& path, QWidget* editor, QWidget* host)
{
    if (field.help.isEmpty())
        return editor;
    auto* cell = new QWidget(host);
    auto* column = new QVBoxLayout(cell);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);
    column->addWidget(editor);
    auto* help = new QLabel(cell);
    help->setObjectName(QStringLiteral("help_") + path);
    help->setTextFormat(Qt::RichText);
    help->setWordWrap(true);
    help->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    auto setText = [help, text = field.help.toHtmlEscaped(), path] {
        help->setText(QStringLiteral("%1 <a href=\"field:%2\">%3</a>")
                          .arg(text, path.toHtmlEscaped(), FieldEditor::tr("Dictionary")));
    };
    setText();
    QFont font = help->font();
    font.setPointSizeF(font.pointSizeF() * 0.9);
    help->setFont(font);
    help->setForegroundRole(QPalette::PlaceholderText);
    QObject::connect(help, &QLabel::linkActivated, help, [help](const QString& link) {
        for (QObject* up = help->parent(); up; up = up->parent()) {
            if (auto* form = qobject_cast<RequestForm*>(up)) {
                form->showHelp(link.mid(int(qstrlen("field:"))));
                return;
            }
        }
    });
    column->addWidget(help);
    editor->setToolTip(field.help);
    return cell;
}

void FieldEditor::flag(QWidget* widget, const QString& message)
{
    if (!widget)
        return;
    if (!widget->property("invalid").toBool())
        widget->setProperty("validPalette", QVariant::fromValue(widget->palette()));
    widget->setProperty("invalid", true);
    widget->setToolTip(message);
    // A tinted background rather than a style-sheet frame: a frame changes the widget's size hint, and the
    // rows below would jump as the user types.
    QPalette palette = widget->palette();
    palette.setColor(QPalette::Base, QColor(0xff, 0xcd, 0xd2));
    palette.setColor(QPalette::Window, QColor(0xff, 0xcd, 0xd2));
    widget->setPalette(palette);
    if (!qobject_cast<QAbstractScrollArea*>(widget) && !widget->inherits("QLineEdit") &&
        !widget->inherits("QAbstractSpinBox"))
        widget->setAutoFillBackground(true);
}

void FieldEditor::unflag(QWidget* widget)
{
    if (!widget || !widget->property("invalid").toBool())
        return;
    widget->setProperty("invalid", false);
    widget->setToolTip(widget->property("help").toString());
    widget->setPalette(widget->property("validPalette").value<QPalette>());
}

} // namespace mmf::studio
