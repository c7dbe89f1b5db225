<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru">
<context>
    <name>ErrorText</name>
    <message>
        <location filename="../app/core/ErrorText.cpp" line="+11"/>
        <source>The request is not valid.</source>
        <translation>Запрос неверен.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>You are not signed in, or your session has expired. Please sign in again.</source>
        <translation>Вы не вошли, или сеанс истёк. Войдите снова.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>You are not allowed to do this.</source>
        <translation>У вас нет прав на это действие.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>It no longer exists on the server.</source>
        <translation>Этого больше нет на сервере.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>It conflicts with something that already exists.</source>
        <translation>Это противоречит уже существующему.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The request is too large for the server.</source>
        <translation>Запрос слишком велик для сервера.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Too many requests. Please wait a moment and try again.</source>
        <translation>Слишком много запросов. Подождите немного и повторите.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The service is unavailable right now.</source>
        <translation>Сервис сейчас недоступен.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The server failed unexpectedly.</source>
        <translation>На сервере произошла непредвиденная ошибка.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Field: %1.</source>
        <translation>Поле: %1.</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+13"/>
        <source>Details: %1</source>
        <translation>Подробности: %1</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>The server cannot be reached. Check the address and that the server is running.</source>
        <translation>Сервер недоступен. Проверьте адрес и то, что сервер запущен.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>an object is not closed: a &apos;}&apos; or a &apos;,&apos; is missing</source>
        <translation>объект не закрыт: не хватает «}» или «,»</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>a &apos;:&apos; is missing after a member name</source>
        <translation>после имени поля не хватает «:»</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>a list is not closed: a &apos;]&apos; or a &apos;,&apos; is missing</source>
        <translation>список не закрыт: не хватает «]» или «,»</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>a &apos;,&apos; is missing between two values</source>
        <translation>между двумя значениями не хватает «,»</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>this is not a JSON value (text needs double quotes; true, false and null are lower case)</source>
        <translation>это не значение JSON (текст берётся в двойные кавычки; true, false и null пишутся строчными)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the text ends inside a number</source>
        <translation>текст обрывается внутри числа</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>this number is not valid</source>
        <translation>неверное число</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>this escape sequence is not valid</source>
        <translation>неверная escape-последовательность</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the text is not valid UTF-8</source>
        <translation>текст не в кодировке UTF-8</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>a string is not closed: a &apos;&quot;&apos; is missing</source>
        <translation>строка не закрыта: не хватает «&quot;»</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>an object ({…}) was expected</source>
        <translation>ожидался объект ({…})</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the JSON is nested too deeply</source>
        <translation>слишком глубокая вложенность JSON</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the JSON is too large</source>
        <translation>JSON слишком большой</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>there is more text after the end of the JSON</source>
        <translation>после конца JSON есть ещё текст</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the JSON is not valid</source>
        <translation>JSON неверен</translation>
    </message>
</context>
<context>
    <name>FormModel</name>
    <message>
        <location filename="../app/core/FormModel.cpp" line="+225"/>
        <source>%1 is required.</source>
        <translation>Поле «%1» обязательно.</translation>
    </message>
    <message>
        <location line="+33"/>
        <location line="+97"/>
        <source>%1 must be at least %2.</source>
        <translation>%1: значение должно быть не меньше %2.</translation>
    </message>
    <message>
        <location line="-92"/>
        <location line="+94"/>
        <source>%1 must be at most %2.</source>
        <translation>%1: значение должно быть не больше %2.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 must be a whole number from %2 to %3.</source>
        <translation>%1: нужно целое число от %2 до %3.</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>%1 must be a number.</source>
        <translation>%1: нужно число.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 is too large for a single-precision number.</source>
        <translation>%1: слишком большое значение для числа одинарной точности.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>%1 must be true or false.</source>
        <translation>%1: нужно значение true или false.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 must be one of %2.</source>
        <translation>%1: допустимые значения — %2.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 must be base64 data.</source>
        <translation>%1: нужны данные в base64.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 must be a date and time (RFC 3339).</source>
        <translation>%1: нужны дата и время (RFC 3339).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 must be a duration in seconds such as 1.5s.</source>
        <translation>%1: нужна длительность в секундах, например 1.5s.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 must be valid JSON.</source>
        <translation>%1: нужен корректный JSON.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 cannot be entered as text.</source>
        <translation>%1 нельзя ввести текстом.</translation>
    </message>
</context>
<context>
    <name>mmf::studio::AuthorLinkOpener</name>
    <message>
        <location filename="../app/gui/AuthorLinkOpener.cpp" line="+34"/>
        <source>Open a link?</source>
        <translation>Открыть ссылку?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This link is part of the model&apos;s documentation, written by the model&apos;s author:

%1

Open it in your browser?</source>
        <translation>Эта ссылка — часть документации модели, написанной её автором:

%1

Открыть её в браузере?</translation>
    </message>
</context>
<context>
    <name>mmf::studio::DashboardPage</name>
    <message>
        <location filename="../app/gui/DashboardPage.cpp" line="+171"/>
        <source>Live models</source>
        <translation>Работающие модели</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Instances per model</source>
        <translation>Экземпляры по моделям</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Queue depth per model</source>
        <translation>Длина очереди по моделям</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Throughput per model (tasks/s)</source>
        <translation>Пропускная способность по моделям (задач/с)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Failures per model (tasks/s)</source>
        <translation>Сбои по моделям (задач/с)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Latency per model, end to end (ms): p50 solid, p99 dashed</source>
        <translation>Задержка по моделям, от отправки до результата (мс): p50 — сплошная, p99 — пунктир</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Window:</source>
        <translation>Период:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>5 minutes</source>
        <translation>5 минут</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1 hour</source>
        <translation>1 час</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>24 hours</source>
        <translation>24 часа</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Overview</source>
        <translation>Обзор</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Per model</source>
        <translation>По моделям</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Replicas per model: desired and current</source>
        <translation>Реплики по моделям: нужные и текущие</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resource pool</source>
        <translation>Пул ресурсов</translation>
    </message>
    <message>
        <location line="+155"/>
        <source>live</source>
        <translation>активные</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+1"/>
        <source>/s</source>
        <translation>/с</translation>
    </message>
    <message>
        <location line="+6"/>
        <source> ms</source>
        <translation> мс</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>%1: %2 of %3 used</source>
        <translation>%1: занято %2 из %3</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Scaler: %1</source>
        <translation>Масштабировщик: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This server has no scaler: replicas follow the instances that run.</source>
        <translation>На этом сервере нет масштабировщика: число реплик равно числу запущенных экземпляров.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Waiting for the scaler…</source>
        <translation>Ожидание масштабировщика…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No model is under the scaler: the replica chart shows the instances that run.</source>
        <translation>Ни одна модель не управляется масштабировщиком: на графике реплик — работающие экземпляры.</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%n model(s) under the scaler; the others show the instances that run.</source>
        <translation>
            <numerusform>%n модель управляется масштабировщиком; для остальных показаны работающие экземпляры.</numerusform>
            <numerusform>%n модели управляются масштабировщиком; для остальных показаны работающие экземпляры.</numerusform>
            <numerusform>%n моделей управляются масштабировщиком; для остальных показаны работающие экземпляры.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Desired</source>
        <translation>Нужно</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Current</source>
        <translation>Сейчас</translation>
    </message>
</context>
<context>
    <name>mmf::studio::DictionaryModel</name>
    <message>
        <location filename="../app/core/DictionaryModel.cpp" line="+176"/>
        <source>Model</source>
        <translation>Модель</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Message</source>
        <translation>Сообщение</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Field</source>
        <translation>Поле</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Type</source>
        <translation>Тип</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Allowed values</source>
        <translation>Допустимые значения</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Description</source>
        <translation>Описание</translation>
    </message>
    <message>
        <location line="+74"/>
        <source>Request</source>
        <translation>Запрос</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Response</source>
        <translation>Ответ</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>from %1 to %2</source>
        <translation>от %1 до %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>at least %1</source>
        <translation>не меньше %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>at most %1</source>
        <translation>не больше %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>unit: %1</source>
        <translation>единица: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>RFC 3339 time, e.g. 2026-01-31T12:00:00Z</source>
        <translation>время в RFC 3339, например 2026-01-31T12:00:00Z</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>seconds with an &quot;s&quot; suffix, e.g. 1.5s</source>
        <translation>секунды с суффиксом «s», например 1.5s</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>base64 in JSON</source>
        <translation>base64 в JSON</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>a string in JSON</source>
        <translation>строка в JSON</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>one of “%1”: set at most one</source>
        <translation>одно из «%1»: задаётся не больше одного</translation>
    </message>
</context>
<context>
    <name>mmf::studio::DictionaryPage</name>
    <message>
        <location filename="../app/gui/DictionaryPage.cpp" line="+118"/>
        <source>Dictionary: every field of every model</source>
        <translation>Словарь: все поля всех моделей</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Search fields, types and descriptions…</source>
        <translation>Поиск по полям, типам и описаниям…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reload</source>
        <translation>Обновить</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+100"/>
        <source>All models</source>
        <translation>Все модели</translation>
    </message>
    <message>
        <location line="-97"/>
        <source>Loading…</source>
        <translation>Загрузка…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Could not read: %1</source>
        <translation>Не удалось прочитать: %1</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%n field(s) in %1 model(s)</source>
        <translation>
            <numerusform>%n поле в моделях: %1</numerusform>
            <numerusform>%n поля в моделях: %1</numerusform>
            <numerusform>%n полей в моделях: %1</numerusform>
        </translation>
    </message>
    <message>
        <location line="+104"/>
        <source>Choose a field to read about it. The form&apos;s help links lead here.</source>
        <translation>Выберите поле, чтобы прочитать о нём. Сюда ведут ссылки справки из формы.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>**Type:** `%1`</source>
        <translation>**Тип:** `%1`</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>**Allowed values:** %1</source>
        <translation>**Допустимые значения:** %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No description.</source>
        <translation>Описания нет.</translation>
    </message>
</context>
<context>
    <name>mmf::studio::FieldEditor</name>
    <message>
        <location filename="../app/gui/editors/LineValueEditor.cpp" line="+16"/>
        <source>a whole number from 0 to 4294967295</source>
        <translation>целое число от 0 до 4294967295</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>a number, e.g. 3.14 or 1e-3</source>
        <translation>число, например 3.14 или 1e-3</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>a whole number (64-bit)</source>
        <translation>целое число (64 бита)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>a whole number from 0 (64-bit)</source>
        <translation>целое число от 0 (64 бита)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>seconds, e.g. 1.5s</source>
        <translation>секунды, например 1.5s</translation>
    </message>
    <message>
        <location filename="../app/gui/editors/TextValueEditor.cpp" line="+22"/>
        <source>JSON, e.g. {&quot;key&quot;: 1}</source>
        <translation>JSON, например {&quot;key&quot;: 1}</translation>
    </message>
    <message>
        <location filename="../app/gui/editors/BytesValueEditor.cpp" line="+37"/>
        <location line="+79"/>
        <source>No data</source>
        <translation>Нет данных</translation>
    </message>
    <message>
        <location line="-74"/>
        <source>Choose file…</source>
        <translation>Выбрать файл…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Clear</source>
        <translation>Очистить</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Images (*.png *.jpg *.jpeg *.bmp *.gif);;All files (*)</source>
        <translation>Изображения (*.png *.jpg *.jpeg *.bmp *.gif);;Все файлы (*)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All files (*)</source>
        <translation>Все файлы (*)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose a file</source>
        <translation>Выберите файл</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The file is larger than 32 MiB.</source>
        <translation>Файл больше 32 МиБ.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Too large</source>
        <translation>Слишком большой</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Cannot read the file</source>
        <translation>Не удаётся прочитать файл</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>%1 image, %2×%3, %4</source>
        <translation>Изображение «%1», %2×%3, %4</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>An</source>
        <translation>без имени</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Data</source>
        <translation>Данные</translation>
    </message>
    <message>
        <location filename="../app/gui/editors/TimestampValueEditor.cpp" line="+23"/>
        <source>local time</source>
        <translation>местное время</translation>
    </message>
    <message>
        <location filename="../app/gui/editors/SingleFieldEditor.cpp" line="+19"/>
        <source>Set</source>
        <translation>Задать</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Set (else None)</source>
        <translation>Задать (иначе None)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Leave unchecked to leave the field out (None).</source>
        <translation>Оставьте флажок снятым, чтобы не передавать поле (None).</translation>
    </message>
    <message>
        <location filename="../app/gui/editors/ListFieldEditor.cpp" line="+30"/>
        <source>Add entry</source>
        <translation>Добавить запись</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Add item</source>
        <translation>Добавить элемент</translation>
    </message>
    <message>
        <location line="+81"/>
        <source>Key</source>
        <translation>Ключ</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Value</source>
        <translation>Значение</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 #%2</source>
        <translation>%1 №%2</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Remove</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>empty</source>
        <translation>пусто</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n элемент</numerusform>
            <numerusform>%n элемента</numerusform>
            <numerusform>%n элементов</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/gui/editors/OneofFieldEditor.cpp" line="+23"/>
        <source>(none)</source>
        <translation>(нет)</translation>
    </message>
    <message>
        <location filename="../app/gui/FieldEditor.cpp" line="+35"/>
        <source>Dictionary</source>
        <translation>Словарь</translation>
    </message>
    <message>
        <location filename="../app/gui/editors/IntegerValueEditor.cpp" line="+62"/>
        <source>%1 is outside the allowed range %2 to %3: it was not taken.</source>
        <translation>%1 вне допустимого диапазона от %2 до %3: значение не принято.</translation>
    </message>
</context>
<context>
    <name>mmf::studio::LogView</name>
    <message>
        <location filename="../app/gui/LogView.cpp" line="+20"/>
        <location line="+7"/>
        <source>The task&apos;s log appears here.</source>
        <translation>Здесь появится журнал задачи.</translation>
    </message>
</context>
<context>
    <name>mmf::studio::MainWindow</name>
    <message>
        <location filename="../app/gui/MainWindow.cpp" line="+134"/>
        <source>Your session has expired. Please sign in again.</source>
        <translation>Сеанс истёк. Войдите снова.</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>MMF Studio</source>
        <translation>MMF Studio</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Models</source>
        <translation>Модели</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Submit</source>
        <translation>Отправить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tasks</source>
        <translation>Задачи</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Dashboard</source>
        <translation>Мониторинг</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model details</source>
        <translation>О модели</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Dictionary</source>
        <translation>Словарь</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;File</source>
        <translation>&amp;Файл</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Sign in…</source>
        <translation>&amp;Войти…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign &amp;out</source>
        <translation>В&amp;ыйти из учётной записи</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Quit</source>
        <translation>В&amp;ыход</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Help</source>
        <translation>&amp;Справка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;About MMF Studio</source>
        <translation>&amp;О программе MMF Studio</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>About &amp;Qt</source>
        <translation>О &amp;Qt</translation>
    </message>
    <message>
        <location line="+102"/>
        <source>Signing in to %1…</source>
        <translation>Вход на %1…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Signed out</source>
        <translation>Вход не выполнен</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Connected to %1 (live)</source>
        <translation>Подключено к %1 (в реальном времени)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Connecting to %1…</source>
        <translation>Подключение к %1…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Connection to %1 lost; reconnecting…</source>
        <translation>Связь с %1 потеряна; переподключение…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Signed in to %1 (not live)</source>
        <translation>Вход на %1 выполнен (без обновлений в реальном времени)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Signed in as %1</source>
        <translation>Вы вошли как %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>About MMF Studio</source>
        <translation>О программе MMF Studio</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;h3&gt;MMF Studio %1&lt;/h3&gt;&lt;p&gt;The desktop client of MMF, a self-hosted model-serving platform: browse the live models, submit tasks through forms generated from their descriptors, follow their logs and results, and watch the system.&lt;/p&gt;&lt;p&gt;Built with Qt %2.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;MMF Studio %1&lt;/h3&gt;&lt;p&gt;Настольный клиент MMF — платформы для размещения моделей на своих серверах: просматривайте работающие модели, отправляйте задачи через формы, построенные по их дескрипторам, следите за журналами и результатами и наблюдайте за системой.&lt;/p&gt;&lt;p&gt;Собрано с Qt %2.&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>mmf::studio::ModelDetailsPage</name>
    <message numerus="yes">
        <location filename="../app/gui/ModelDetailsPage.cpp" line="+227"/>
        <source>%n s ago</source>
        <translation>
            <numerusform>%n с назад</numerusform>
            <numerusform>%n с назад</numerusform>
            <numerusform>%n с назад</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n min ago</source>
        <translation>
            <numerusform>%n мин назад</numerusform>
            <numerusform>%n мин назад</numerusform>
            <numerusform>%n мин назад</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n h ago</source>
        <translation>
            <numerusform>%n ч назад</numerusform>
            <numerusform>%n ч назад</numerusform>
            <numerusform>%n ч назад</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Description:</source>
        <translation>Описание:</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Version:</source>
        <translation>Версия:</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Owner:</source>
        <translation>Владелец:</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Tags:</source>
        <translation>Метки:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status:</source>
        <translation>Состояние:</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Last seen:</source>
        <translation>Последний раз в сети:</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Retries:</source>
        <translation>Повторы:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Instances</source>
        <translation>Экземпляры</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dead letters</source>
        <translation>Недоставленные задачи</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Instance</source>
        <translation>Экземпляр</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Address</source>
        <translation>Адрес</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Started</source>
        <translation>Запущен</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last heartbeat</source>
        <translation>Последний отклик</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Ping</source>
        <translation>Пинг</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Succeeded</source>
        <translation>Успешно</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Failed</source>
        <translation>С ошибкой</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Current task</source>
        <translation>Текущая задача</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Task</source>
        <translation>Задача</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>User</source>
        <translation>Пользователь</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Attempts</source>
        <translation>Попытки</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Error</source>
        <translation>Ошибка</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Dead-lettered at</source>
        <translation>Отложена в</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Replay selected</source>
        <translation>Повторить выбранные</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Replay all</source>
        <translation>Повторить все</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Discard selected</source>
        <translation>Удалить выбранные</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refresh</source>
        <translation>Обновить</translation>
    </message>
    <message>
        <location line="+178"/>
        <source>Choose a model in the list to see its details.</source>
        <translation>Выберите модель в списке, чтобы увидеть подробности.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1, version %2</source>
        <translation>%1, версия %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+52"/>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <location line="-39"/>
        <source>live</source>
        <translation>работает</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>offline</source>
        <translation>не в сети</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1, paused: no instance takes new tasks</source>
        <translation>%1, приостановлена: экземпляры не берут новые задачи</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Resume queue</source>
        <translation>Возобновить очередь</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Pause queue</source>
        <translation>Приостановить очередь</translation>
    </message>
    <message numerus="yes">
        <location line="+12"/>
        <source>up to %n attempt(s); first retry after %1 ms, ×%2 each time, at most %3 ms</source>
        <translation>
            <numerusform>до %n попытки; первый повтор через %1 мс, далее ×%2 каждый раз, не дольше %3 мс</numerusform>
            <numerusform>до %n попыток; первый повтор через %1 мс, далее ×%2 каждый раз, не дольше %3 мс</numerusform>
            <numerusform>до %n попыток; первый повтор через %1 мс, далее ×%2 каждый раз, не дольше %3 мс</numerusform>
        </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>*This model has no documentation.*</source>
        <translation>*У этой модели нет документации.*</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>%1 ms</source>
        <translation>%1 мс</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>idle</source>
        <translation>простаивает</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>not yet</source>
        <translation>ещё не было</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Queue paused: tasks are accepted and wait until it is resumed.</source>
        <translation>Очередь приостановлена: задачи принимаются и ждут возобновления.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Queue resumed.</source>
        <translation>Очередь возобновлена.</translation>
    </message>
    <message numerus="yes">
        <location line="+71"/>
        <source>Replayed %n task(s); %1 no longer there.</source>
        <translation>
            <numerusform>Повторена %n задача; %1 уже не было.</numerusform>
            <numerusform>Повторены %n задачи; %1 уже не было.</numerusform>
            <numerusform>Повторено %n задач; %1 уже не было.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>Replayed %n task(s).</source>
        <translation>
            <numerusform>Повторена %n задача.</numerusform>
            <numerusform>Повторены %n задачи.</numerusform>
            <numerusform>Повторено %n задач.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+26"/>
        <source>Discarded %n task(s).</source>
        <translation>
            <numerusform>Удалена %n задача.</numerusform>
            <numerusform>Удалены %n задачи.</numerusform>
            <numerusform>Удалено %n задач.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mmf::studio::ModelListModel</name>
    <message>
        <location filename="../app/core/ModelListModel.cpp" line="+27"/>
        <source>none</source>
        <translation>нет</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 ms</source>
        <translation>%1 мс</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 s</source>
        <translation>%1 с</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 min</source>
        <translation>%1 мин</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>%1 (Paused)</source>
        <translation>%1 (приостановлена)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>dynamic (%1–%2)</source>
        <translation>динамическое (%1–%2)</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+1"/>
        <source>static</source>
        <translation>статическое</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Model</source>
        <translation>Модель</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Project</source>
        <translation>Проект</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Instances</source>
        <translation>Экземпляры</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Queue</source>
        <translation>Очередь</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Estimated wait</source>
        <translation>Ожидание</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Scaling</source>
        <translation>Масштабирование</translation>
    </message>
</context>
<context>
    <name>mmf::studio::ModelsPage</name>
    <message>
        <location filename="../app/gui/ModelsPage.cpp" line="+201"/>
        <source>Field</source>
        <translation>Поле</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Type</source>
        <translation>Тип</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Description</source>
        <translation>Описание</translation>
    </message>
    <message>
        <location line="-74"/>
        <source>&lt;h3&gt;Live models&lt;/h3&gt;</source>
        <translation>&lt;h3&gt;Работающие модели&lt;/h3&gt;</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Filter by name or project</source>
        <translation>Фильтр по имени или проекту</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Refresh</source>
        <translation>Обновить</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Schema</source>
        <translation>Схема</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+102"/>
        <source>Select a model to see its request and response.</source>
        <translation>Выберите модель, чтобы увидеть её запрос и ответ.</translation>
    </message>
    <message>
        <location line="-96"/>
        <source>Details</source>
        <translation>Подробнее</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Submit a task…</source>
        <translation>Отправить задачу…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Request</source>
        <translation>Запрос</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Response</source>
        <translation>Ответ</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>The models cannot be listed.
%1</source>
        <translation>Не удаётся получить список моделей.
%1</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>Loading the models…</source>
        <translation>Загрузка моделей…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No models are live.
Start a worker (mmf-worker --model echo) and it appears here.</source>
        <translation>Нет работающих моделей.
Запустите исполнитель (mmf-worker --model echo), и он появится здесь.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sign in to see the models.</source>
        <translation>Войдите, чтобы увидеть модели.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Loading the schema of %1…</source>
        <translation>Загрузка схемы %1…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The model %1 is gone.</source>
        <translation>Модели %1 больше нет.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&lt;b&gt;%1&lt;/b&gt; (project %2): %3 → %4</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; (проект %2): %3 → %4</translation>
    </message>
</context>
<context>
    <name>mmf::studio::RequestForm</name>
    <message>
        <location filename="../app/gui/RequestForm.cpp" line="+35"/>
        <source>This request has no fields.</source>
        <translation>У этого запроса нет полей.</translation>
    </message>
</context>
<context>
    <name>mmf::studio::ResultView</name>
    <message>
        <location filename="../app/gui/ResultView.cpp" line="+123"/>
        <location line="+13"/>
        <source>Result</source>
        <translation>Результат</translation>
    </message>
    <message>
        <location line="-8"/>
        <location line="+9"/>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>No result yet. Submit a task to see its result here.</source>
        <translation>Результата пока нет. Отправьте задачу, и её результат появится здесь.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>The result appears here when the task has finished.</source>
        <translation>Результат появится здесь, когда задача завершится.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The task was cancelled.</source>
        <translation>Задача отменена.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No result: the task was cancelled before it finished.</source>
        <translation>Результата нет: задача отменена до завершения.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The task failed on every attempt and went to the dead letters: %1</source>
        <translation>Задача завершилась ошибкой во всех попытках и отложена как недоставленная: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No result: every attempt failed. An admin can replay the task from the model&apos;s dead letters.</source>
        <translation>Результата нет: все попытки завершились ошибкой. Администратор может повторить задачу из «мёртвых писем» модели.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The task failed (%1): %2</source>
        <translation>Задача завершилась ошибкой (%1): %2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No result: the task failed.</source>
        <translation>Результата нет: задача завершилась ошибкой.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Succeeded</source>
        <translation>Успешно</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>The result has no data at %1.</source>
        <translation>В результате нет данных в %1.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>%1 — %2×%3</source>
        <translation>%1 — %2×%3</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Enlarge</source>
        <translation>Увеличить</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save image…</source>
        <translation>Сохранить изображение…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Save the picture</source>
        <translation>Сохранить изображение</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pictures (*.png *.jpg);;All files (*)</source>
        <translation>Изображения (*.png *.jpg);;Все файлы (*)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cannot save the picture: %1</source>
        <translation>Не удалось сохранить изображение: %1</translation>
    </message>
    <message>
        <location line="+37"/>
        <location line="+122"/>
        <location line="+31"/>
        <location line="+13"/>
        <location line="+13"/>
        <source>None</source>
        <translation>None</translation>
    </message>
    <message>
        <location line="-148"/>
        <source>(empty list)</source>
        <translation>(пустой список)</translation>
    </message>
    <message>
        <location line="+65"/>
        <source>(empty map)</source>
        <translation>(пустой словарь)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Key</source>
        <translation>Ключ</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Value</source>
        <translation>Значение</translation>
    </message>
    <message>
        <location line="-154"/>
        <source>%1×%2, %3</source>
        <translation>%1×%2, %3</translation>
    </message>
    <message>
        <location line="-233"/>
        <location line="+34"/>
        <source>Save result…</source>
        <translation>Сохранить результат…</translation>
    </message>
    <message>
        <location line="-25"/>
        <source>Save the result</source>
        <translation>Сохранить результат</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>JSON (*.json);;All files (*)</source>
        <translation>JSON (*.json);;Все файлы (*)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cannot save the result: %1</source>
        <translation>Не удалось сохранить результат: %1</translation>
    </message>
    <message>
        <location line="+412"/>
        <source>(no data)</source>
        <translation>(нет данных)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 of data</source>
        <translation>%1 данных</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>(empty)</source>
        <translation>(пусто)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>yes</source>
        <translation>да</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no</source>
        <translation>нет</translation>
    </message>
</context>
<context>
    <name>mmf::studio::SettingsPage</name>
    <message>
        <location filename="../app/gui/SettingsPage.cpp" line="+87"/>
        <location line="+14"/>
        <source>The window layout is back to the default.</source>
        <translation>Расположение окна сброшено к исходному.</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Language</source>
        <translation>Язык</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Interface language:</source>
        <translation>Язык интерфейса:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Window layout</source>
        <translation>Расположение окна</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The studio remembers its window size and position, the sizes of its panes and the page you were on.</source>
        <translation>Студия запоминает размер и положение окна, размеры панелей и открытую страницу.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reset the window layout</source>
        <translation>Сбросить расположение окна</translation>
    </message>
</context>
<context>
    <name>mmf::studio::SignInDialog</name>
    <message>
        <location filename="../app/gui/SignInDialog.cpp" line="+24"/>
        <location line="+144"/>
        <source>Sign in to MMF</source>
        <translation>Вход в MMF</translation>
    </message>
    <message>
        <location line="-37"/>
        <source>&lt;h2&gt;MMF Studio&lt;/h2&gt;&lt;p&gt;Sign in to a model-serving server.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;MMF Studio&lt;/h2&gt;&lt;p&gt;Войдите на сервер моделей.&lt;/p&gt;</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+35"/>
        <source>Sign in</source>
        <translation>Войти</translation>
    </message>
    <message>
        <location line="-34"/>
        <location line="+34"/>
        <source>Create account</source>
        <translation>Создать учётную запись</translation>
    </message>
    <message>
        <location line="-33"/>
        <source>&amp;Server:</source>
        <translation>&amp;Сервер:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Your login</source>
        <translation>Ваш логин</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>&amp;Login:</source>
        <translation>&amp;Логин:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Password:</source>
        <translation>&amp;Пароль:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Repeat password:</source>
        <translation>П&amp;овтор пароля:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>optional: your first project</source>
        <translation>необязательно: ваш первый проект</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>P&amp;roject:</source>
        <translation>П&amp;роект:</translation>
    </message>
    <message>
        <location line="-30"/>
        <source>The login or the password is wrong.</source>
        <translation>Неверный логин или пароль.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This login is taken. Choose another one.</source>
        <translation>Этот логин занят. Выберите другой.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This server does not offer accounts (no /api/v1/auth). Check the address.</source>
        <translation>Этот сервер не поддерживает учётные записи (нет /api/v1/auth). Проверьте адрес.</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Create an MMF account</source>
        <translation>Создание учётной записи MMF</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>The server address is not valid. Use e.g. http://127.0.0.1:8080.</source>
        <translation>Неверный адрес сервера. Пример: http://127.0.0.1:8080.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The two passwords differ.</source>
        <translation>Пароли не совпадают.</translation>
    </message>
</context>
<context>
    <name>mmf::studio::SubmitPage</name>
    <message>
        <location filename="../app/gui/SubmitPage.cpp" line="+57"/>
        <source>&lt;b&gt;Model:&lt;/b&gt;</source>
        <translation>&lt;b&gt;Модель:&lt;/b&gt;</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Choose a model</source>
        <translation>Выберите модель</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Request</source>
        <translation>Запрос</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Choose a model to fill in its request.</source>
        <translation>Выберите модель, чтобы заполнить её запрос.</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Form</source>
        <translation>Форма</translation>
    </message>
    <message>
        <location line="-22"/>
        <source>The request as JSON (protobuf JSON mapping). Paste one here and apply it.</source>
        <translation>Запрос в виде JSON (отображение protobuf в JSON). Вставьте его сюда и примените.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Copy</source>
        <translation>Копировать</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paste</source>
        <translation>Вставить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Apply to form</source>
        <translation>Применить к форме</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Example</source>
        <translation>Пример</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fill the form with the model&apos;s example request</source>
        <translation>Заполнить форму примером запроса модели</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recent</source>
        <translation>Недавние</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The last requests sent to this model</source>
        <translation>Последние запросы к этой модели</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copy as</source>
        <translation>Копировать как</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>curl command</source>
        <translation>команду curl</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>mmfctl command</source>
        <translation>команду mmfctl</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Clear</source>
        <translation>Очистить</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Submit</source>
        <translation>Отправить</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Task</source>
        <translation>Задача</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+463"/>
        <source>No task yet.</source>
        <translation>Задач пока нет.</translation>
    </message>
    <message>
        <location line="-449"/>
        <source>Cancel task</source>
        <translation>Отменить задачу</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&lt;b&gt;Log&lt;/b&gt;</source>
        <translation>&lt;b&gt;Журнал&lt;/b&gt;</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&lt;b&gt;Result&lt;/b&gt;</source>
        <translation>&lt;b&gt;Результат&lt;/b&gt;</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>The model %1 is no longer live.</source>
        <translation>Модель %1 больше не работает.</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>Attempt %1 failed (%2: %3); the task is queued again.</source>
        <translation>Попытка %1 не удалась (%2: %3); задача снова в очереди.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Attempt %1 failed (%2: %3); the next attempt is due at %4.</source>
        <translation>Попытка %1 не удалась (%2: %3); следующая попытка в %4.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Live connection lost; reconnecting (the status is polled meanwhile)…</source>
        <translation>Соединение в реальном времени потеряно; переподключение (пока состояние опрашивается)…</translation>
    </message>
    <message>
        <location line="+364"/>
        <source>, attempt %1</source>
        <translation>, попытка %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source> at %1</source>
        <translation> в %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&lt;br/&gt;Last error: %1</source>
        <translation>&lt;br/&gt;Последняя ошибка: %1</translation>
    </message>
    <message>
        <location line="-373"/>
        <source>Live connection restored.</source>
        <translation>Соединение в реальном времени восстановлено.</translation>
    </message>
    <message>
        <location line="+126"/>
        <source>Loading %1…</source>
        <translation>Загрузка %1…</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>The model %1 is gone: it has no live instance.</source>
        <translation>Модели %1 больше нет: у неё нет работающих экземпляров.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The model&apos;s descriptors cannot be read: %1</source>
        <translation>Не удаётся прочитать дескрипторы модели: %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>%1 (field %2)</source>
        <translation>%1 (поле %2)</translation>
    </message>
    <message>
        <location line="-205"/>
        <source>The model %1 is gone.</source>
        <translation>Модели %1 больше нет.</translation>
    </message>
    <message>
        <location line="+228"/>
        <source>The form has an invalid field, so the JSON was not updated: %1</source>
        <translation>В форме есть неверное поле, поэтому JSON не обновлён: %1</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>The JSON is not valid at line %1, column %2: %3</source>
        <translation>JSON неверен в строке %1, столбце %2: %3</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The JSON must be an object ({…}) holding the request&apos;s fields.</source>
        <translation>JSON должен быть объектом ({…}) с полями запроса.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Choose a model first.</source>
        <translation>Сначала выберите модель.</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>Task %1 submitted to %2.</source>
        <translation>Задача %1 отправлена модели %2.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Waiting for the result…</source>
        <translation>Ожидание результата…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Task &lt;b&gt;%1&lt;/b&gt;: &lt;span style=&quot;color:%3&quot;&gt;%2&lt;/span&gt;</source>
        <translation>Задача &lt;b&gt;%1&lt;/b&gt;: &lt;span style=&quot;color:%3&quot;&gt;%2&lt;/span&gt;</translation>
    </message>
    <message>
        <location line="-354"/>
        <source>Cancelling failed: %1</source>
        <translation>Не удалось отменить: %1</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Cancellation requested.</source>
        <translation>Запрошена отмена.</translation>
    </message>
</context>
<context>
    <name>mmf::studio::TaskListModel</name>
    <message>
        <location filename="../app/core/TaskListModel.cpp" line="+122"/>
        <source>Queued</source>
        <translation>В очереди</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Running</source>
        <translation>Выполняется</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Succeeded</source>
        <translation>Успешна</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Failed</source>
        <translation>Ошибка</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancelled</source>
        <translation>Отменена</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Dead-lettered</source>
        <translation>Недоставлена</translation>
    </message>
    <message numerus="yes">
        <location line="+28"/>
        <source>%1 (%n sub-task(s))</source>
        <translation>
            <numerusform>%1 (%n подзадача)</numerusform>
            <numerusform>%1 (%n подзадачи)</numerusform>
            <numerusform>%1 (%n подзадач)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+20"/>
        <source>%1 ms</source>
        <translation>%1 мс</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 s</source>
        <translation>%1 с</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Task</source>
        <translation>Задача</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Model</source>
        <translation>Модель</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Status</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Created</source>
        <translation>Создана</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Started</source>
        <translation>Начата</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Finished</source>
        <translation>Завершена</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Duration</source>
        <translation>Длительность</translation>
    </message>
</context>
<context>
    <name>mmf::studio::TasksPage</name>
    <message>
        <location filename="../app/gui/TasksPage.cpp" line="+83"/>
        <source>&lt;h3&gt;My tasks&lt;/h3&gt;</source>
        <translation>&lt;h3&gt;Мои задачи&lt;/h3&gt;</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Model:</source>
        <translation>Модель:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>All models</source>
        <translation>Все модели</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Status:</source>
        <translation>Состояние:</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Any status</source>
        <translation>Любое состояние</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Any time</source>
        <translation>За всё время</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last hour</source>
        <translation>Последний час</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 24 hours</source>
        <translation>Последние 24 часа</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 7 days</source>
        <translation>Последние 7 дней</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Find a task by id</source>
        <translation>Найти задачу по id</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Refresh</source>
        <translation>Обновить</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cancel selected</source>
        <translation>Отменить выбранные</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Newer tasks</source>
        <translation>Более новые задачи</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Older tasks</source>
        <translation>Более старые задачи</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No tasks yet. Submit one from the Submit page.</source>
        <translation>Задач пока нет. Отправьте задачу на странице «Отправить».</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Task</source>
        <translation>Задача</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+177"/>
        <source>Select a task to see its log and result.</source>
        <translation>Выберите задачу, чтобы увидеть её журнал и результат.</translation>
    </message>
    <message>
        <location line="-167"/>
        <source>Resubmit…</source>
        <translation>Отправить повторно…</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Result</source>
        <translation>Результат</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Request</source>
        <translation>Запрос</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Timeline</source>
        <translation>Хронология</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Attempt</source>
        <translation>Попытка</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Instance</source>
        <translation>Экземпляр</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Queued</source>
        <translation>В очереди</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Running</source>
        <translation>Выполнение</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Started</source>
        <translation>Начата</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Outcome</source>
        <translation>Итог</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Error</source>
        <translation>Ошибка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The request the task was sent with.</source>
        <translation>Запрос, с которым была отправлена задача.</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>The tasks cannot be listed.
%1</source>
        <translation>Не удаётся получить список задач.
%1</translation>
    </message>
    <message>
        <location line="+76"/>
        <source>0 of %1</source>
        <translation>0 из %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1–%2 of %3</source>
        <translation>%1–%2 из %3</translation>
    </message>
    <message numerus="yes">
        <location line="+55"/>
        <source>Cancelling %n task(s)…</source>
        <translation>
            <numerusform>Отмена %n задачи…</numerusform>
            <numerusform>Отмена %n задач…</numerusform>
            <numerusform>Отмена %n задач…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+15"/>
        <source>Cancellation requested for %n task(s).</source>
        <translation>
            <numerusform>Запрошена отмена %n задачи.</numerusform>
            <numerusform>Запрошена отмена %n задач.</numerusform>
            <numerusform>Запрошена отмена %n задач.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 of %2 cancellations failed.</source>
        <translation>Не удалось отменить %1 из %2.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Loading task %1…</source>
        <translation>Загрузка задачи %1…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Task %1 no longer exists (past its retention).</source>
        <translation>Задачи %1 больше нет (срок хранения истёк).</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>This task logged nothing.</source>
        <translation>Эта задача ничего не записала в журнал.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>%1 s</source>
        <translation>%1 с</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Retried</source>
        <translation>Повторена</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>&lt;b&gt;%1&lt;/b&gt; on &lt;b&gt;%2&lt;/b&gt;: %3, attempt %4</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; на &lt;b&gt;%2&lt;/b&gt;: %3, попытка %4</translation>
    </message>
</context>
</TS>
