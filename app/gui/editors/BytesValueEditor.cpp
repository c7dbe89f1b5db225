#include "gui/editors/BytesValueEditor.h"

#include "gui/FieldEditor.h"
#include "gui/editors/EditorIndex.h"

#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace mmf::studio {

namespace {
constexpr qint64 kMaxFileBytes = 32LL * 1024 * 1024;
}

BytesValueEditor::BytesValueEditor(const FormField& field, const QString& path, EditorIndex& index,
                                   QWidget* parent)
    : ValueEditor(field, path, parent)
{
    registerInput(this, index);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_preview = new QLabel(this);
    m_preview->setObjectName(QStringLiteral("preview_") + path);
    m_preview->setFixedSize(72, 72);
    m_preview->setAlignment(Qt::AlignCenter);
    m_preview->setFrameShape(QFrame::StyledPanel);
    layout->addWidget(m_preview, 0, Qt::AlignTop);
    auto* column = new QVBoxLayout;
    m_info = new QLabel(FieldEditor::tr("No data"), this);
    m_info->setObjectName(QStringLiteral("info_") + path);
    column->addWidget(m_info);
    auto* buttons = new QHBoxLayout;
    auto* choose = new QPushButton(style()->standardIcon(QStyle::SP_DialogOpenButton),
                                   FieldEditor::tr("Choose file…"), this);
    choose->setObjectName(QStringLiteral("choose_") + path);
    auto* clear =
        new QPushButton(style()->standardIcon(QStyle::SP_DialogResetButton), FieldEditor::tr("Clear"), this);
    clear->setObjectName(QStringLiteral("clear_") + path);
    buttons->addWidget(choose);
    buttons->addWidget(clear);
    buttons->addStretch();
    column->addLayout(buttons);
    column->addStretch();
    layout->addLayout(column, 1);
    // However tall the row gets (a oneof's other member), the picker stays at its top.
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    connect(choose, &QPushButton::clicked, this, [this] {
        const QString filter = m_field.ui.widget == UiHints::Image
                                   ? FieldEditor::tr("Images (*.png *.jpg *.jpeg *.bmp *.gif);;All files (*)")
                                   : FieldEditor::tr("All files (*)");
        const QString file = QFileDialog::getOpenFileName(this, FieldEditor::tr("Choose a file"), {}, filter);
        if (!file.isEmpty())
            loadFile(file);
    });
    connect(clear, &QPushButton::clicked, this, [this] {
        setData({}, {});
        emit edited();
    });
    setData({}, {});
}

void BytesValueEditor::loadFile(const QString& fileName)
{
    QFile file(fileName);
    if (file.size() > kMaxFileBytes) {
        FieldEditor::flag(m_info, FieldEditor::tr("The file is larger than 32 MiB."));
        m_info->setText(FieldEditor::tr("Too large"));
        return;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        FieldEditor::flag(m_info, file.errorString());
        m_info->setText(FieldEditor::tr("Cannot read the file"));
        return;
    }
    FieldEditor::unflag(m_info);
    setData(file.readAll(), QFileInfo(fileName).fileName());
    emit edited();
}

Result<QJsonValue> BytesValueEditor::value() const
{
    if (m_data.isEmpty())
        return QJsonValue(QJsonValue::Undefined);
    return QJsonValue(QString::fromLatin1(m_data.toBase64()));
}

void BytesValueEditor::setValue(const QJsonValue& value)
{
    setData(QByteArray::fromBase64(value.toString().toLatin1()), {});
}

void BytesValueEditor::setData(const QByteArray& data, const QString& name)
{
    m_data = data;
    QImage image;
    if (!data.isEmpty() && image.loadFromData(data)) {
        m_preview->setPixmap(QPixmap::fromImage(
            image.scaled(m_preview->size() - QSize(4, 4), Qt::KeepAspectRatio, Qt::SmoothTransformation)));
        m_info->setText(FieldEditor::tr("%1 image, %2×%3, %4")
                            .arg(name.isEmpty() ? FieldEditor::tr("An") : name)
                            .arg(image.width())
                            .arg(image.height())
                            .arg(QLocale().formattedDataSize(data.size())));
        return;
    }
    m_preview->setPixmap(style()->standardIcon(QStyle::SP_FileIcon).pixmap(32, 32));
    m_info->setText(data.isEmpty()
                        ? FieldEditor::tr("No data")
                        : FieldEditor::tr("%1 (%2)").arg(name.isEmpty() ? FieldEditor::tr("Data") : name,
                                                         QLocale().formattedDataSize(data.size())));
}

} // namespace mmf::studio
