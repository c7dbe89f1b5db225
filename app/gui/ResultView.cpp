#include "gui/ResultView.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDialog>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QScreen>
#include <QScrollArea>
#include <QStyle>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>

#include <cmath>

namespace mmf::studio {

namespace {

QString numberText(const FormField& field, const QJsonValue& value)
{
    QString text;
    if (value.isString())
        text = value.toString(); // 64-bit integers, exact
    else if (field.kind == FormField::Float || field.kind == FormField::Double)
        text = QLocale().toString(value.toDouble(), 'g', field.kind == FormField::Float ? 7 : 15);
    else
        text = QLocale().toString(qint64(value.toDouble()));
    if (!field.ui.unit.isEmpty())
        text += QLatin1Char(' ') + field.ui.unit;
    return text;
}

// A GRID field as a picture: one cell per value, row by row, dark for high values (ink), each cell 16 px.
QLabel* gridPicture(const FormField& field, const QJsonArray& values, QWidget* host, const QString& path)
{
    const int columns = field.ui.columns;
    const int rows = int((values.size() + columns - 1) / columns);
    const double low = field.ui.min.value_or(0);
    double high = field.ui.max.value_or(0);
    for (const QJsonValue& v : values)
        high = std::max(high, v.isString() ? v.toString().toDouble() : v.toDouble());
    QImage image(columns, rows, QImage::Format_Grayscale8);
    image.fill(Qt::white);
    QStringList lines;
    for (int row = 0; row < rows; ++row) {
        QStringList cells;
        for (int column = 0; column < columns; ++column) {
            const qsizetype i = qsizetype(row) * columns + column;
            if (i >= values.size())
                break;
            const double v =
                values.at(i).isString() ? values.at(i).toString().toDouble() : values.at(i).toDouble();
            const double share = high > low ? std::clamp((v - low) / (high - low), 0.0, 1.0) : 0.0;
            image.setPixel(column, row,
                           qRgb(255 - int(share * 255), 255 - int(share * 255), 255 - int(share * 255)));
            cells.append(QString::number(v));
        }
        lines.append(cells.join(QLatin1Char(' ')));
    }
    auto* label = new QLabel(host);
    label->setObjectName(QStringLiteral("grid_") + path);
    label->setPixmap(QPixmap::fromImage(
        image.scaled(columns * 16, rows * 16, Qt::IgnoreAspectRatio, Qt::FastTransformation)));
    label->setFrameShape(QFrame::Box);
    label->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    label->setToolTip(lines.join(QLatin1Char('\n')));
    return label;
}

} // namespace

ResultView::ResultView(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("resultView"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("resultStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_save = new QPushButton(style()->standardIcon(QStyle::SP_DialogSaveButton), tr("Save result…"), this);
    m_save->setObjectName(QStringLiteral("saveResultButton"));
    m_save->setEnabled(false);
    auto* statusRow = new QHBoxLayout;
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(m_save, 0, Qt::AlignTop);
    layout->addLayout(statusRow);
    connect(m_save, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(
            this, tr("Save the result"), QStringLiteral("result.json"), tr("JSON (*.json);;All files (*)"));
        QString error;
        if (!file.isEmpty() && !saveResult(file, &error))
            m_status->setText(tr("Cannot save the result: %1").arg(error));
    });
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("resultTabs"));
    m_scroll = new QScrollArea(m_tabs);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_tabs->addTab(m_scroll, tr("Result"));
    m_json = new QPlainTextEdit(m_tabs);
    m_json->setObjectName(QStringLiteral("resultJson"));
    m_json->setReadOnly(true);
    m_json->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_tabs->addTab(m_json, tr("JSON"));
    layout->addWidget(m_tabs, 1);
    clear();
}

void ResultView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) {
        m_tabs->setTabText(0, tr("Result"));
        m_tabs->setTabText(1, tr("JSON"));
        m_save->setText(tr("Save result…"));
        switch (m_state) {
        case State::Empty:
            clear();
            break;
        case State::Pending:
            showPending(m_pendingText);
            break;
        case State::Result:
            showResult(m_result);
            break;
        case State::Error:
            showError(m_errorStatus, m_error);
            break;
        }
    }
    QWidget::changeEvent(event);
}

void ResultView::setResponseType(std::vector<FormField> fields)
{
    m_fields = std::move(fields);
}

QString ResultView::statusText() const
{
    return m_status->text();
}

QString ResultView::bodyText() const
{
    return m_bodyLabel ? m_bodyLabel->text() : QString();
}

void ResultView::setBody(QWidget* body)
{
    m_bodyLabel = qobject_cast<QLabel*>(body);
    m_scroll->setWidget(body);
}

void ResultView::clear()
{
    m_state = State::Empty;
    m_result = {};
    m_hasResult = false;
    m_bytes.clear();
    m_save->setEnabled(false);
    m_json->clear();
    auto* empty = new QLabel(tr("No result yet. Submit a task to see its result here."));
    empty->setObjectName(QStringLiteral("resultPlaceholder"));
    empty->setAlignment(Qt::AlignCenter);
    empty->setWordWrap(true);
    empty->setForegroundRole(QPalette::PlaceholderText);
    setBody(empty);
    m_status->clear();
    m_status->hide();
}

void ResultView::showPending(std::function<QString()> text)
{
    if (m_state != State::Pending || !m_bodyLabel)
        clear();
    m_state = State::Pending;
    m_pendingText = std::move(text);
    m_status->setStyleSheet(QStringLiteral("color: #1565c0;"));
    m_status->setText(m_pendingText ? m_pendingText() : QString());
    m_status->show();
    m_bodyLabel->setText(tr("The result appears here when the task has finished."));
}

void ResultView::showError(const QString& status, const QJsonObject& error)
{
    m_state = State::Error;
    m_errorStatus = status;
    m_error = error;
    m_hasResult = false;
    m_result = {};
    m_bytes.clear();
    m_save->setEnabled(false);
    m_status->setStyleSheet(QStringLiteral("color: #c62828; font-weight: bold;"));
    const QString code = error.value(QLatin1String("code")).toString();
    const QString message = error.value(QLatin1String("message")).toString();
    QString body;
    if (status == QLatin1String("cancelled")) {
        m_status->setText(tr("The task was cancelled."));
        body = tr("No result: the task was cancelled before it finished.");
    } else if (status == QLatin1String("dead_lettered")) {
        m_status->setText(
            tr("The task failed on every attempt and went to the dead letters: %1").arg(message));
        body = tr("No result: every attempt failed. An admin can replay the task from the model's dead "
                  "letters.");
    } else {
        m_status->setText(tr("The task failed (%1): %2").arg(code, message));
        body = tr("No result: the task failed.");
    }
    m_status->show();
    auto* label = new QLabel(body);
    label->setObjectName(QStringLiteral("resultErrorBody"));
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::PlaceholderText);
    setBody(label);
    m_json->setPlainText(QString::fromUtf8(QJsonDocument(error).toJson(QJsonDocument::Indented)));
}

void ResultView::showResult(const QJsonObject& result)
{
    m_state = State::Result;
    m_result = result;
    m_hasResult = true;
    m_bytes.clear();
    m_save->setEnabled(true);
    m_status->setStyleSheet(QStringLiteral("color: #2e7d32; font-weight: bold;"));
    m_status->setText(tr("Succeeded"));
    m_status->show();
    m_json->setPlainText(QString::fromUtf8(QJsonDocument(result).toJson(QJsonDocument::Indented)));
    auto* body = new QWidget;
    body->setObjectName(QStringLiteral("resultBody"));
    render(m_fields, result, body, {});
    setBody(body);
}

bool ResultView::saveResult(const QString& fileName, QString* error) const
{
    QSaveFile file(fileName);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(QJsonDocument(m_result).toJson(QJsonDocument::Indented)) < 0 || !file.commit()) {
        if (error)
            *error = file.errorString();
        return false;
    }
    return true;
}

bool ResultView::saveBytes(const QString& path, const QString& fileName, QString* error) const
{
    if (!m_bytes.contains(path)) {
        if (error)
            *error = tr("The result has no data at %1.").arg(path);
        return false;
    }
    QSaveFile file(fileName);
    if (!file.open(QIODevice::WriteOnly) || file.write(m_bytes.value(path)) < 0 || !file.commit()) {
        if (error)
            *error = file.errorString();
        return false;
    }
    return true;
}

QWidget* ResultView::enlargeImage(const QString& path)
{
    QImage image;
    if (!image.loadFromData(m_bytes.value(path)))
        return nullptr;
    auto* dialog = new QDialog(this);
    dialog->setObjectName(QStringLiteral("imageDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("%1 — %2×%3").arg(path).arg(image.width()).arg(image.height()));
    QSize room(1024, 768);
    if (const QScreen* screen = QGuiApplication::primaryScreen())
        room = screen->availableSize() * 0.85;
    // Small pictures (an 8x8 digit) grow by whole steps without smoothing, so each pixel stays sharp.
    QImage shown = image;
    if (image.width() < room.width() / 2 && image.height() < room.height() / 2) {
        const int factor = std::max(1, std::min(room.width() / std::max(1, image.width()),
                                                room.height() / std::max(1, image.height())) /
                                           2);
        shown = image.scaled(image.size() * factor, Qt::KeepAspectRatio, Qt::FastTransformation);
    } else if (image.width() > room.width() || image.height() > room.height()) {
        shown = image.scaled(room, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    }
    auto* scroll = new QScrollArea(dialog);
    auto* picture = new QLabel;
    picture->setObjectName(QStringLiteral("enlargedImage"));
    picture->setPixmap(QPixmap::fromImage(shown));
    scroll->setWidget(picture);
    scroll->setAlignment(Qt::AlignCenter);
    auto* layout = new QVBoxLayout(dialog);
    layout->addWidget(scroll);
    dialog->resize(std::min(room.width(), shown.width() + 40), std::min(room.height(), shown.height() + 40));
    dialog->show();
    return dialog;
}

QWidget* ResultView::imageWidget(const QImage& image, qsizetype bytes, QWidget* host, const QString& path)
{
    auto* box = new QWidget(host);
    auto* column = new QVBoxLayout(box);
    column->setContentsMargins(0, 0, 0, 0);
    auto* picture = new QLabel(box);
    picture->setObjectName(QStringLiteral("image_") + path);
    QImage shown = image.width() > 320 || image.height() > 320
                       ? image.scaled(320, 320, Qt::KeepAspectRatio, Qt::SmoothTransformation)
                       : image;
    if (shown.width() < 64)
        shown = image.scaled(128, 128, Qt::KeepAspectRatio, Qt::FastTransformation);
    picture->setPixmap(QPixmap::fromImage(shown));
    picture->setToolTip(
        tr("%1×%2, %3").arg(image.width()).arg(image.height()).arg(QLocale().formattedDataSize(bytes)));
    column->addWidget(picture, 0, Qt::AlignLeft);
    auto* buttons = new QHBoxLayout;
    auto* enlarge = new QPushButton(style()->standardIcon(QStyle::SP_TitleBarMaxButton), tr("Enlarge"), box);
    enlarge->setObjectName(QStringLiteral("enlargeImage_") + path);
    auto* save = new QPushButton(style()->standardIcon(QStyle::SP_DialogSaveButton), tr("Save image…"), box);
    save->setObjectName(QStringLiteral("saveImage_") + path);
    buttons->addWidget(enlarge);
    buttons->addWidget(save);
    buttons->addStretch();
    column->addLayout(buttons);
    connect(enlarge, &QPushButton::clicked, this, [this, path] { enlargeImage(path); });
    connect(save, &QPushButton::clicked, this, [this, path] {
        const QString file =
            QFileDialog::getSaveFileName(this, tr("Save the picture"), path + QStringLiteral(".png"),
                                         tr("Pictures (*.png *.jpg);;All files (*)"));
        QString error;
        if (!file.isEmpty() && !saveBytes(path, file, &error))
            m_status->setText(tr("Cannot save the picture: %1").arg(error));
    });
    return box;
}

void ResultView::render(const std::vector<FormField>& fields, const QJsonObject& object, QWidget* host,
                        const QString& prefix)
{
    auto* form = new QFormLayout(host);
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignTop);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    if (fields.empty()) {
        // No descriptor: show the JSON members as they came.
        for (auto it = object.begin(); it != object.end(); ++it) {
            auto* value = new QLabel(
                QString::fromUtf8(QJsonDocument(QJsonArray{it.value()}).toJson(QJsonDocument::Compact))
                    .mid(1)
                    .chopped(1),
                host);
            value->setWordWrap(true);
            value->setTextInteractionFlags(Qt::TextSelectableByMouse);
            form->addRow(it.key() + QLatin1Char(':'), value);
        }
        return;
    }
    for (const FormField& field : fields) {
        const FormField* shown = &field;
        QString label = field.label;
        if (field.kind == FormField::Oneof) {
            shown = nullptr;
            for (const FormField& member : field.children) {
                if (object.contains(member.name)) {
                    shown = &member;
                    label = field.label + QStringLiteral(" → ") + member.label;
                }
            }
            if (!shown) {
                auto* none = new QLabel(tr("None"), host);
                none->setForegroundRole(QPalette::PlaceholderText);
                form->addRow(field.label + QLatin1Char(':'), none);
                continue;
            }
        }
        QWidget* widget = renderValue(*shown, object.value(shown->name), host, prefix + shown->name);
        auto* labelWidget = new QLabel(label + QLatin1Char(':'), host);
        labelWidget->setToolTip(shown->help);
        form->addRow(labelWidget, widget);
    }
}

QWidget* ResultView::renderValue(const FormField& field, const QJsonValue& given, QWidget* host,
                                 const QString& path)
{
    QJsonValue value = given;
    const bool absent = value.isUndefined() || value.isNull();
    auto makeLabel = [&](const QString& text, bool dim) {
        auto* label = new QLabel(text, host);
        label->setObjectName(QStringLiteral("result_") + path);
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        if (dim)
            label->setForegroundRole(QPalette::PlaceholderText);
        return label;
    };

    if (field.repeated && !field.isMap) {
        const QJsonArray array = value.toArray();
        if (array.isEmpty())
            return makeLabel(tr("(empty list)"), true);
        if (field.isNumber() && field.ui.widget == UiHints::Grid && field.ui.columns > 0)
            return gridPicture(field, array, host, path);
        if (field.isNumber() && (field.ui.widget == UiHints::BarChart || !field.ui.labels.isEmpty())) {
            auto* set = new QBarSet(field.label);
            auto* axisX = new QBarCategoryAxis;
            double high = 0;
            double low = 0;
            for (int i = 0; i < array.size(); ++i) {
                const double number =
                    array.at(i).isString() ? array.at(i).toString().toDouble() : array.at(i).toDouble();
                *set << number;
                high = std::max(high, number);
                low = std::min(low, number);
                axisX->append(field.ui.labels.value(i, QString::number(i)));
            }
            auto* series = new QBarSeries;
            series->append(set);
            auto* chart = new QChart;
            chart->addSeries(series);
            chart->addAxis(axisX, Qt::AlignBottom);
            series->attachAxis(axisX);
            auto* axisY = new QValueAxis;
            axisY->setRange(field.ui.min.value_or(low), field.ui.max.value_or(high > 0 ? high * 1.1 : 1.0));
            if (!field.ui.unit.isEmpty())
                axisY->setTitleText(field.ui.unit);
            chart->addAxis(axisY, Qt::AlignLeft);
            series->attachAxis(axisY);
            chart->legend()->hide();
            chart->setMargins(QMargins(4, 4, 4, 4));
            auto* view = new QChartView(chart, host);
            view->setObjectName(QStringLiteral("chart_") + path);
            view->setRenderHint(QPainter::Antialiasing);
            view->setMinimumHeight(200);
            return view;
        }
        if (field.kind == FormField::Message || field.kind == FormField::Bytes) {
            auto* box = new QWidget(host);
            box->setObjectName(QStringLiteral("result_") + path);
            auto* column = new QVBoxLayout(box);
            column->setContentsMargins(0, 0, 0, 0);
            FormField element = field;
            element.repeated = false;
            for (int i = 0; i < array.size(); ++i)
                column->addWidget(
                    renderValue(element, array.at(i), box, path + QStringLiteral("[%1]").arg(i)));
            return box;
        }
        QStringList parts;
        FormField element = field;
        element.repeated = false;
        for (const QJsonValue& item : array)
            parts.append(
                field.isNumber()
                    ? numberText(element, item)
                    : (item.isString()
                           ? item.toString()
                           : QString::fromUtf8(QJsonDocument(QJsonArray{item}).toJson(QJsonDocument::Compact))
                                 .mid(1)
                                 .chopped(1)));
        return makeLabel(parts.join(QStringLiteral(", ")), false);
    }
    if (field.isMap) {
        const QJsonObject map = value.toObject();
        if (map.isEmpty())
            return makeLabel(tr("(empty map)"), true);
        auto* table = new QTableWidget(int(map.size()), 2, host);
        table->setObjectName(QStringLiteral("result_") + path);
        table->setHorizontalHeaderLabels({tr("Key"), tr("Value")});
        table->verticalHeader()->hide();
        table->horizontalHeader()->setStretchLastSection(true);
        table->setEditTriggers(QAbstractItemView::NoEditTriggers);
        int row = 0;
        for (auto it = map.begin(); it != map.end(); ++it, ++row) {
            table->setItem(row, 0, new QTableWidgetItem(it.key()));
            const QJsonValue item = it.value();
            table->setItem(
                row, 1,
                new QTableWidgetItem(
                    item.isString()
                        ? item.toString()
                        : QString::fromUtf8(QJsonDocument(QJsonArray{item}).toJson(QJsonDocument::Compact))
                              .mid(1)
                              .chopped(1)));
        }
        table->setMaximumHeight(40 + 28 * int(map.size()));
        return table;
    }
    switch (field.kind) {
    case FormField::Message: {
        if (absent)
            return makeLabel(tr("None"), true);
        auto* box = new QGroupBox(host);
        box->setObjectName(QStringLiteral("result_") + path);
        render(field.children, value.toObject(), box, path + QLatin1Char('.'));
        return box;
    }
    case FormField::Bytes: {
        const QByteArray data = QByteArray::fromBase64(value.toString().toLatin1());
        if (!data.isEmpty())
            m_bytes.insert(path, data);
        QImage image;
        if (!data.isEmpty() && (field.ui.widget == UiHints::Image || field.ui.widget == UiHints::Default) &&
            image.loadFromData(data))
            return imageWidget(image, data.size(), host, path);
        return makeLabel(data.isEmpty() ? tr("(no data)")
                                        : tr("%1 of data").arg(QLocale().formattedDataSize(data.size())),
                         data.isEmpty());
    }
    case FormField::String:
        if (field.ui.widget == UiHints::Secret)
            return makeLabel(value.toString().isEmpty() ? QString() : QStringLiteral("••••••••"), false);
        if (field.ui.widget == UiHints::Multiline || value.toString().contains(QLatin1Char('\n'))) {
            auto* text = new QPlainTextEdit(value.toString(), host);
            text->setObjectName(QStringLiteral("result_") + path);
            text->setReadOnly(true);
            text->setMaximumHeight(110);
            return text;
        }
        return makeLabel(absent ? tr("(empty)") : value.toString(), absent);
    case FormField::Timestamp: {
        if (absent)
            return makeLabel(tr("None"), true);
        const QDateTime time = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
        return makeLabel(time.isValid() ? QLocale().toString(time.toLocalTime(), QLocale::LongFormat)
                                        : value.toString(),
                         false);
    }
    case FormField::Bool:
        return makeLabel(value.toBool() ? tr("yes") : tr("no"), absent);
    case FormField::Enum:
        return makeLabel(absent ? field.enumValues.value(0) : value.toString(), absent);
    case FormField::Json:
    case FormField::Duration:
        if (absent)
            return makeLabel(tr("None"), true);
        return makeLabel(
            value.isString()
                ? value.toString()
                : QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact))
                      .mid(1)
                      .chopped(1),
            false);
    default:
        break;
    }
    if (field.isNumber()) {
        if (absent && field.hasPresence)
            return makeLabel(tr("None"), true);
        return makeLabel(numberText(field, absent ? FormModel::defaultValue(field) : value), absent);
    }
    return makeLabel(value.toString(), absent);
}

} // namespace mmf::studio
