<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>ErrorText</name>
    <message>
        <location filename="../app/core/ErrorText.cpp" line="+11" />
        <source>The request is not valid.</source>
        <translation>The request is not valid.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>You are not signed in, or your session has expired. Please sign in again.</source>
        <translation>You are not signed in, or your session has expired. Please sign in again.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>You are not allowed to do this.</source>
        <translation>You are not allowed to do this.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>It no longer exists on the server.</source>
        <translation>It no longer exists on the server.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>It conflicts with something that already exists.</source>
        <translation>It conflicts with something that already exists.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>The request is too large for the server.</source>
        <translation>The request is too large for the server.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Too many requests. Please wait a moment and try again.</source>
        <translation>Too many requests. Please wait a moment and try again.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>The service is unavailable right now.</source>
        <translation>The service is unavailable right now.</translation>
    </message>
    <message>
        <location line="+4" />
        <source>The server failed unexpectedly.</source>
        <translation>The server failed unexpectedly.</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Field: %1.</source>
        <translation>Field: %1.</translation>
    </message>
    <message>
        <location line="+2" />
        <location line="+13" />
        <source>Details: %1</source>
        <translation>Details: %1</translation>
    </message>
    <message>
        <location line="-4" />
        <source>The server cannot be reached. Check the address and that the server is running.</source>
        <translation>The server cannot be reached. Check the address and that the server is running.</translation>
    </message>
    <message>
        <location line="+15" />
        <source>an object is not closed: a '}' or a ',' is missing</source>
        <translation>an object is not closed: a '}' or a ',' is missing</translation>
    </message>
    <message>
        <location line="+2" />
        <source>a ':' is missing after a member name</source>
        <translation>a ':' is missing after a member name</translation>
    </message>
    <message>
        <location line="+2" />
        <source>a list is not closed: a ']' or a ',' is missing</source>
        <translation>a list is not closed: a ']' or a ',' is missing</translation>
    </message>
    <message>
        <location line="+2" />
        <source>a ',' is missing between two values</source>
        <translation>a ',' is missing between two values</translation>
    </message>
    <message>
        <location line="+2" />
        <source>this is not a JSON value (text needs double quotes; true, false and null are lower case)</source>
        <translation>this is not a JSON value (text needs double quotes; true, false and null are lower case)</translation>
    </message>
    <message>
        <location line="+4" />
        <source>the text ends inside a number</source>
        <translation>the text ends inside a number</translation>
    </message>
    <message>
        <location line="+2" />
        <source>this number is not valid</source>
        <translation>this number is not valid</translation>
    </message>
    <message>
        <location line="+2" />
        <source>this escape sequence is not valid</source>
        <translation>this escape sequence is not valid</translation>
    </message>
    <message>
        <location line="+2" />
        <source>the text is not valid UTF-8</source>
        <translation>the text is not valid UTF-8</translation>
    </message>
    <message>
        <location line="+2" />
        <source>a string is not closed: a '"' is missing</source>
        <translation>a string is not closed: a '"' is missing</translation>
    </message>
    <message>
        <location line="+2" />
        <source>an object ({…}) was expected</source>
        <translation>an object ({…}) was expected</translation>
    </message>
    <message>
        <location line="+2" />
        <source>the JSON is nested too deeply</source>
        <translation>the JSON is nested too deeply</translation>
    </message>
    <message>
        <location line="+2" />
        <source>the JSON is too large</source>
        <translation>the JSON is too large</translation>
    </message>
    <message>
        <location line="+2" />
        <source>there is more text after the end of the JSON</source>
        <translation>there is more text after the end of the JSON</translation>
    </message>
    <message>
        <location line="+2" />
        <source>the JSON is not valid</source>
        <translation>the JSON is not valid</translation>
    </message>
</context>
<context>
    <name>FormModel</name>
    <message>
        <location filename="../app/core/FormModel.cpp" line="+225" />
        <source>%1 is required.</source>
        <translation>%1 is required.</translation>
    </message>
    <message>
        <location line="+33" />
        <location line="+97" />
        <source>%1 must be at least %2.</source>
        <translation>%1 must be at least %2.</translation>
    </message>
    <message>
        <location line="-92" />
        <location line="+94" />
        <source>%1 must be at most %2.</source>
        <translation>%1 must be at most %2.</translation>
    </message>
    <message>
        <location line="+4" />
        <source>%1 must be a whole number from %2 to %3.</source>
        <translation>%1 must be a whole number from %2 to %3.</translation>
    </message>
    <message>
        <location line="+33" />
        <source>%1 must be a number.</source>
        <translation>%1 must be a number.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%1 is too large for a single-precision number.</source>
        <translation>%1 is too large for a single-precision number.</translation>
    </message>
    <message>
        <location line="+10" />
        <source>%1 must be true or false.</source>
        <translation>%1 must be true or false.</translation>
    </message>
    <message>
        <location line="+7" />
        <source>%1 must be one of %2.</source>
        <translation>%1 must be one of %2.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>%1 must be base64 data.</source>
        <translation>%1 must be base64 data.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>%1 must be a date and time (RFC 3339).</source>
        <translation>%1 must be a date and time (RFC 3339).</translation>
    </message>
    <message>
        <location line="+6" />
        <source>%1 must be a duration in seconds such as 1.5s.</source>
        <translation>%1 must be a duration in seconds such as 1.5s.</translation>
    </message>
    <message>
        <location line="+8" />
        <source>%1 must be valid JSON.</source>
        <translation>%1 must be valid JSON.</translation>
    </message>
    <message>
        <location line="+7" />
        <source>%1 cannot be entered as text.</source>
        <translation>%1 cannot be entered as text.</translation>
    </message>
</context>
<context>
    <name>mmf::studio::AuthorLinkOpener</name>
    <message>
        <location filename="../app/gui/AuthorLinkOpener.cpp" line="+34" />
        <source>Open a link?</source>
        <translation>Open a link?</translation>
    </message>
    <message>
        <location line="+1" />
        <source>This link is part of the model's documentation, written by the model's author:

%1

Open it in your browser?</source>
        <translation>This link is part of the model's documentation, written by the model's author:

%1

Open it in your browser?</translation>
    </message>
</context>
<context>
    <name>mmf::studio::DashboardPage</name>
    <message>
        <location filename="../app/gui/DashboardPage.cpp" line="+171" />
        <source>Live models</source>
        <translation>Live models</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Instances per model</source>
        <translation>Instances per model</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Queue depth per model</source>
        <translation>Queue depth per model</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Throughput per model (tasks/s)</source>
        <translation>Throughput per model (tasks/s)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Failures per model (tasks/s)</source>
        <translation>Failures per model (tasks/s)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Latency per model, end to end (ms): p50 solid, p99 dashed</source>
        <translation>Latency per model, end to end (ms): p50 solid, p99 dashed</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Window:</source>
        <translation>Window:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>5 minutes</source>
        <translation>5 minutes</translation>
    </message>
    <message>
        <location line="+1" />
        <source>1 hour</source>
        <translation>1 hour</translation>
    </message>
    <message>
        <location line="+1" />
        <source>24 hours</source>
        <translation>24 hours</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Overview</source>
        <translation>Overview</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Per model</source>
        <translation>Per model</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Replicas per model: desired and current</source>
        <translation>Replicas per model: desired and current</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Resource pool</source>
        <translation>Resource pool</translation>
    </message>
    <message>
        <location line="+155" />
        <source>live</source>
        <translation>live</translation>
    </message>
    <message>
        <location line="+9" />
        <location line="+1" />
        <source>/s</source>
        <translation>/s</translation>
    </message>
    <message>
        <location line="+6" />
        <source> ms</source>
        <translation> ms</translation>
    </message>
    <message>
        <location line="+30" />
        <source>%1: %2 of %3 used</source>
        <translation>%1: %2 of %3 used</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Scaler: %1</source>
        <translation>Scaler: %1</translation>
    </message>
    <message>
        <location line="+2" />
        <source>This server has no scaler: replicas follow the instances that run.</source>
        <translation>This server has no scaler: replicas follow the instances that run.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Waiting for the scaler…</source>
        <translation>Waiting for the scaler…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>No model is under the scaler: the replica chart shows the instances that run.</source>
        <translation>No model is under the scaler: the replica chart shows the instances that run.</translation>
    </message>
    <message numerus="yes">
        <location line="+3" />
        <source>%n model(s) under the scaler; the others show the instances that run.</source>
        <translation>
            <numerusform>%n model(s) under the scaler; the others show the instances that run.</numerusform>
            <numerusform>%n model(s) under the scaler; the others show the instances that run.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+13" />
        <source>Desired</source>
        <translation>Desired</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Current</source>
        <translation>Current</translation>
    </message>
</context>
<context>
    <name>mmf::studio::DictionaryModel</name>
    <message>
        <location filename="../app/core/DictionaryModel.cpp" line="+176" />
        <source>Model</source>
        <translation>Model</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Field</source>
        <translation>Field</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Allowed values</source>
        <translation>Allowed values</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <location line="+74" />
        <source>Request</source>
        <translation>Request</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Response</source>
        <translation>Response</translation>
    </message>
    <message>
        <location line="+9" />
        <source>from %1 to %2</source>
        <translation>from %1 to %2</translation>
    </message>
    <message>
        <location line="+2" />
        <source>at least %1</source>
        <translation>at least %1</translation>
    </message>
    <message>
        <location line="+2" />
        <source>at most %1</source>
        <translation>at most %1</translation>
    </message>
    <message>
        <location line="+2" />
        <source>unit: %1</source>
        <translation>unit: %1</translation>
    </message>
    <message>
        <location line="+3" />
        <source>RFC 3339 time, e.g. 2026-01-31T12:00:00Z</source>
        <translation>RFC 3339 time, e.g. 2026-01-31T12:00:00Z</translation>
    </message>
    <message>
        <location line="+2" />
        <source>seconds with an "s" suffix, e.g. 1.5s</source>
        <translation>seconds with an "s" suffix, e.g. 1.5s</translation>
    </message>
    <message>
        <location line="+2" />
        <source>base64 in JSON</source>
        <translation>base64 in JSON</translation>
    </message>
    <message>
        <location line="+2" />
        <source>a string in JSON</source>
        <translation>a string in JSON</translation>
    </message>
    <message>
        <location line="+4" />
        <source>one of “%1”: set at most one</source>
        <translation>one of “%1”: set at most one</translation>
    </message>
</context>
<context>
    <name>mmf::studio::DictionaryPage</name>
    <message>
        <location filename="../app/gui/DictionaryPage.cpp" line="+118" />
        <source>Dictionary: every field of every model</source>
        <translation>Dictionary: every field of every model</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Search fields, types and descriptions…</source>
        <translation>Search fields, types and descriptions…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Reload</source>
        <translation>Reload</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+100" />
        <source>All models</source>
        <translation>All models</translation>
    </message>
    <message>
        <location line="-97" />
        <source>Loading…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Could not read: %1</source>
        <translation>Could not read: %1</translation>
    </message>
    <message numerus="yes">
        <location line="+3" />
        <source>%n field(s) in %1 model(s)</source>
        <translation>
            <numerusform>%n field(s) in %1 model(s)</numerusform>
            <numerusform>%n field(s) in %1 model(s)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+104" />
        <source>Choose a field to read about it. The form's help links lead here.</source>
        <translation>Choose a field to read about it. The form's help links lead here.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>**Type:** `%1`</source>
        <translation>**Type:** `%1`</translation>
    </message>
    <message>
        <location line="+3" />
        <source>**Allowed values:** %1</source>
        <translation>**Allowed values:** %1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>No description.</source>
        <translation>No description.</translation>
    </message>
</context>
<context>
    <name>mmf::studio::FieldEditor</name>
    <message>
        <location filename="../app/gui/editors/LineValueEditor.cpp" line="+16" />
        <source>a whole number from 0 to 4294967295</source>
        <translation>a whole number from 0 to 4294967295</translation>
    </message>
    <message>
        <location line="+3" />
        <source>a number, e.g. 3.14 or 1e-3</source>
        <translation>a number, e.g. 3.14 or 1e-3</translation>
    </message>
    <message>
        <location line="+2" />
        <source>a whole number (64-bit)</source>
        <translation>a whole number (64-bit)</translation>
    </message>
    <message>
        <location line="+2" />
        <source>a whole number from 0 (64-bit)</source>
        <translation>a whole number from 0 (64-bit)</translation>
    </message>
    <message>
        <location line="+2" />
        <source>seconds, e.g. 1.5s</source>
        <translation>seconds, e.g. 1.5s</translation>
    </message>
    <message>
        <location filename="../app/gui/editors/TextValueEditor.cpp" line="+22" />
        <source>JSON, e.g. {"key": 1}</source>
        <translation>JSON, e.g. {"key": 1}</translation>
    </message>
    <message>
        <location filename="../app/gui/editors/BytesValueEditor.cpp" line="+37" />
        <location line="+79" />
        <source>No data</source>
        <translation>No data</translation>
    </message>
    <message>
        <location line="-74" />
        <source>Choose file…</source>
        <translation>Choose file…</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Clear</source>
        <translation>Clear</translation>
    </message>
    <message>
        <location line="+12" />
        <source>Images (*.png *.jpg *.jpeg *.bmp *.gif);;All files (*)</source>
        <translation>Images (*.png *.jpg *.jpeg *.bmp *.gif);;All files (*)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>All files (*)</source>
        <translation>All files (*)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Choose a file</source>
        <translation>Choose a file</translation>
    </message>
    <message>
        <location line="+15" />
        <source>The file is larger than 32 MiB.</source>
        <translation>The file is larger than 32 MiB.</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Too large</source>
        <translation>Too large</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Cannot read the file</source>
        <translation>Cannot read the file</translation>
    </message>
    <message>
        <location line="+27" />
        <source>%1 image, %2×%3, %4</source>
        <translation>%1 image, %2×%3, %4</translation>
    </message>
    <message>
        <location line="+1" />
        <source>An</source>
        <translation>An</translation>
    </message>
    <message>
        <location line="+9" />
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Data</source>
        <translation>Data</translation>
    </message>
    <message>
        <location filename="../app/gui/editors/TimestampValueEditor.cpp" line="+23" />
        <source>local time</source>
        <translation>local time</translation>
    </message>
    <message>
        <location filename="../app/gui/editors/SingleFieldEditor.cpp" line="+19" />
        <source>Set</source>
        <translation>Set</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Set (else None)</source>
        <translation>Set (else None)</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Leave unchecked to leave the field out (None).</source>
        <translation>Leave unchecked to leave the field out (None).</translation>
    </message>
    <message>
        <location filename="../app/gui/editors/ListFieldEditor.cpp" line="+30" />
        <source>Add entry</source>
        <translation>Add entry</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Add item</source>
        <translation>Add item</translation>
    </message>
    <message>
        <location line="+81" />
        <source>Key</source>
        <translation>Key</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Value</source>
        <translation>Value</translation>
    </message>
    <message>
        <location line="+5" />
        <source>%1 #%2</source>
        <translation>%1 #%2</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Remove</source>
        <translation>Remove</translation>
    </message>
    <message>
        <location line="+53" />
        <source>empty</source>
        <translation>empty</translation>
    </message>
    <message numerus="yes">
        <location line="+1" />
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n item(s)</numerusform>
            <numerusform>%n item(s)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/gui/editors/OneofFieldEditor.cpp" line="+23" />
        <source>(none)</source>
        <translation>(none)</translation>
    </message>
    <message>
        <location filename="../app/gui/FieldEditor.cpp" line="+35" />
        <source>Dictionary</source>
        <translation>Dictionary</translation>
    </message>
    <message>
        <location filename="../app/gui/editors/IntegerValueEditor.cpp" line="+62" />
        <source>%1 is outside the allowed range %2 to %3: it was not taken.</source>
        <translation>%1 is outside the allowed range %2 to %3: it was not taken.</translation>
    </message>
</context>
<context>
    <name>mmf::studio::LogView</name>
    <message>
        <location filename="../app/gui/LogView.cpp" line="+20" />
        <location line="+7" />
        <source>The task's log appears here.</source>
        <translation>The task's log appears here.</translation>
    </message>
</context>
<context>
    <name>mmf::studio::MainWindow</name>
    <message>
        <location filename="../app/gui/MainWindow.cpp" line="+134" />
        <source>Your session has expired. Please sign in again.</source>
        <translation>Your session has expired. Please sign in again.</translation>
    </message>
    <message>
        <location line="+37" />
        <source>MMF Studio</source>
        <translation>MMF Studio</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Models</source>
        <translation>Models</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Submit</source>
        <translation>Submit</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Tasks</source>
        <translation>Tasks</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Dashboard</source>
        <translation>Dashboard</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Model details</source>
        <translation>Model details</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Dictionary</source>
        <translation>Dictionary</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location line="+4" />
        <source>&amp;File</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Sign in…</source>
        <translation>&amp;Sign in…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Sign &amp;out</source>
        <translation>Sign &amp;out</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Quit</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Help</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;About MMF Studio</source>
        <translation>&amp;About MMF Studio</translation>
    </message>
    <message>
        <location line="+1" />
        <source>About &amp;Qt</source>
        <translation>About &amp;Qt</translation>
    </message>
    <message>
        <location line="+102" />
        <source>Signing in to %1…</source>
        <translation>Signing in to %1…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Signed out</source>
        <translation>Signed out</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Connected to %1 (live)</source>
        <translation>Connected to %1 (live)</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Connecting to %1…</source>
        <translation>Connecting to %1…</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Connection to %1 lost; reconnecting…</source>
        <translation>Connection to %1 lost; reconnecting…</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Signed in to %1 (not live)</source>
        <translation>Signed in to %1 (not live)</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Signed in as %1</source>
        <translation>Signed in as %1</translation>
    </message>
    <message>
        <location line="+9" />
        <source>About MMF Studio</source>
        <translation>About MMF Studio</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&lt;h3&gt;MMF Studio %1&lt;/h3&gt;&lt;p&gt;The desktop client of MMF, a self-hosted model-serving platform: browse the live models, submit tasks through forms generated from their descriptors, follow their logs and results, and watch the system.&lt;/p&gt;&lt;p&gt;Built with Qt %2.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;MMF Studio %1&lt;/h3&gt;&lt;p&gt;The desktop client of MMF, a self-hosted model-serving platform: browse the live models, submit tasks through forms generated from their descriptors, follow their logs and results, and watch the system.&lt;/p&gt;&lt;p&gt;Built with Qt %2.&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>mmf::studio::ModelDetailsPage</name>
    <message numerus="yes">
        <location filename="../app/gui/ModelDetailsPage.cpp" line="+227" />
        <source>%n s ago</source>
        <translation>
            <numerusform>%n s ago</numerusform>
            <numerusform>%n s ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2" />
        <source>%n min ago</source>
        <translation>
            <numerusform>%n min ago</numerusform>
            <numerusform>%n min ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1" />
        <source>%n h ago</source>
        <translation>
            <numerusform>%n h ago</numerusform>
            <numerusform>%n h ago</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6" />
        <source>Description:</source>
        <translation>Description:</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Version:</source>
        <translation>Version:</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Owner:</source>
        <translation>Owner:</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Tags:</source>
        <translation>Tags:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Status:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Last seen:</source>
        <translation>Last seen:</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Retries:</source>
        <translation>Retries:</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Instances</source>
        <translation>Instances</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Dead letters</source>
        <translation>Dead letters</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Instance</source>
        <translation>Instance</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Address</source>
        <translation>Address</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Started</source>
        <translation>Started</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Last heartbeat</source>
        <translation>Last heartbeat</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Ping</source>
        <translation>Ping</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Succeeded</source>
        <translation>Succeeded</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Failed</source>
        <translation>Failed</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Current task</source>
        <translation>Current task</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Task</source>
        <translation>Task</translation>
    </message>
    <message>
        <location line="+0" />
        <source>User</source>
        <translation>User</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Attempts</source>
        <translation>Attempts</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Error</source>
        <translation>Error</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Dead-lettered at</source>
        <translation>Dead-lettered at</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Replay selected</source>
        <translation>Replay selected</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Replay all</source>
        <translation>Replay all</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Discard selected</source>
        <translation>Discard selected</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Refresh</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location line="+178" />
        <source>Choose a model in the list to see its details.</source>
        <translation>Choose a model in the list to see its details.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>%1, version %2</source>
        <translation>%1, version %2</translation>
    </message>
    <message>
        <location line="+2" />
        <location line="+52" />
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <location line="-39" />
        <source>live</source>
        <translation>live</translation>
    </message>
    <message>
        <location line="+1" />
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <location line="+4" />
        <source>%1, paused: no instance takes new tasks</source>
        <translation>%1, paused: no instance takes new tasks</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Resume queue</source>
        <translation>Resume queue</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Pause queue</source>
        <translation>Pause queue</translation>
    </message>
    <message numerus="yes">
        <location line="+12" />
        <source>up to %n attempt(s); first retry after %1 ms, ×%2 each time, at most %3 ms</source>
        <translation>
            <numerusform>up to %n attempt; first retry after %1 ms, ×%2 each time, at most %3 ms</numerusform>
            <numerusform>up to %n attempts; first retry after %1 ms, ×%2 each time, at most %3 ms</numerusform>
        </translation>
    </message>
    <message>
        <location line="+8" />
        <source>*This model has no documentation.*</source>
        <translation>*This model has no documentation.*</translation>
    </message>
    <message>
        <location line="+11" />
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location line="+12" />
        <source>idle</source>
        <translation>idle</translation>
    </message>
    <message>
        <location line="+21" />
        <source>not yet</source>
        <translation>not yet</translation>
    </message>
    <message>
        <location line="+27" />
        <source>Queue paused: tasks are accepted and wait until it is resumed.</source>
        <translation>Queue paused: tasks are accepted and wait until it is resumed.</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Queue resumed.</source>
        <translation>Queue resumed.</translation>
    </message>
    <message numerus="yes">
        <location line="+71" />
        <source>Replayed %n task(s); %1 no longer there.</source>
        <translation>
            <numerusform>Replayed %n task(s); %1 no longer there.</numerusform>
            <numerusform>Replayed %n task(s); %1 no longer there.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1" />
        <source>Replayed %n task(s).</source>
        <translation>
            <numerusform>Replayed %n task(s).</numerusform>
            <numerusform>Replayed %n task(s).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+26" />
        <source>Discarded %n task(s).</source>
        <translation>
            <numerusform>Discarded %n task(s).</numerusform>
            <numerusform>Discarded %n task(s).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mmf::studio::ModelListModel</name>
    <message>
        <location filename="../app/core/ModelListModel.cpp" line="+27" />
        <source>none</source>
        <translation>none</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <location line="+26" />
        <source>%1 (Paused)</source>
        <translation>%1 (Paused)</translation>
    </message>
    <message>
        <location line="+12" />
        <source>dynamic (%1–%2)</source>
        <translation>dynamic (%1–%2)</translation>
    </message>
    <message>
        <location line="+4" />
        <location line="+1" />
        <source>static</source>
        <translation>static</translation>
    </message>
    <message>
        <location line="+7" />
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Model</source>
        <translation>Model</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Project</source>
        <translation>Project</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Instances</source>
        <translation>Instances</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Queue</source>
        <translation>Queue</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Estimated wait</source>
        <translation>Estimated wait</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Scaling</source>
        <translation>Scaling</translation>
    </message>
</context>
<context>
    <name>mmf::studio::ModelsPage</name>
    <message>
        <location filename="../app/gui/ModelsPage.cpp" line="+201" />
        <source>Field</source>
        <translation>Field</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <location line="-74" />
        <source>&lt;h3&gt;Live models&lt;/h3&gt;</source>
        <translation>&lt;h3&gt;Live models&lt;/h3&gt;</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Filter by name or project</source>
        <translation>Filter by name or project</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Refresh</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location line="+33" />
        <source>Schema</source>
        <translation>Schema</translation>
    </message>
    <message>
        <location line="+6" />
        <location line="+102" />
        <source>Select a model to see its request and response.</source>
        <translation>Select a model to see its request and response.</translation>
    </message>
    <message>
        <location line="-96" />
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Submit a task…</source>
        <translation>Submit a task…</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Request</source>
        <translation>Request</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Response</source>
        <translation>Response</translation>
    </message>
    <message>
        <location line="+20" />
        <source>The models cannot be listed.
%1</source>
        <translation>The models cannot be listed.
%1</translation>
    </message>
    <message>
        <location line="+72" />
        <source>Loading the models…</source>
        <translation>Loading the models…</translation>
    </message>
    <message>
        <location line="+3" />
        <source>No models are live.
Start a worker (mmf-worker --model echo) and it appears here.</source>
        <translation>No models are live.
Start a worker (mmf-worker --model echo) and it appears here.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Sign in to see the models.</source>
        <translation>Sign in to see the models.</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Loading the schema of %1…</source>
        <translation>Loading the schema of %1…</translation>
    </message>
    <message>
        <location line="+9" />
        <source>The model %1 is gone.</source>
        <translation>The model %1 is gone.</translation>
    </message>
    <message>
        <location line="+7" />
        <source>&lt;b&gt;%1&lt;/b&gt; (project %2): %3 → %4</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; (project %2): %3 → %4</translation>
    </message>
</context>
<context>
    <name>mmf::studio::RequestForm</name>
    <message>
        <location filename="../app/gui/RequestForm.cpp" line="+35" />
        <source>This request has no fields.</source>
        <translation>This request has no fields.</translation>
    </message>
</context>
<context>
    <name>mmf::studio::ResultView</name>
    <message>
        <location filename="../app/gui/ResultView.cpp" line="+123" />
        <location line="+13" />
        <source>Result</source>
        <translation>Result</translation>
    </message>
    <message>
        <location line="-8" />
        <location line="+9" />
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <location line="+49" />
        <source>No result yet. Submit a task to see its result here.</source>
        <translation>No result yet. Submit a task to see its result here.</translation>
    </message>
    <message>
        <location line="+19" />
        <source>The result appears here when the task has finished.</source>
        <translation>The result appears here when the task has finished.</translation>
    </message>
    <message>
        <location line="+17" />
        <source>The task was cancelled.</source>
        <translation>The task was cancelled.</translation>
    </message>
    <message>
        <location line="+1" />
        <source>No result: the task was cancelled before it finished.</source>
        <translation>No result: the task was cancelled before it finished.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>The task failed on every attempt and went to the dead letters: %1</source>
        <translation>The task failed on every attempt and went to the dead letters: %1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>No result: every attempt failed. An admin can replay the task from the model's dead letters.</source>
        <translation>No result: every attempt failed. An admin can replay the task from the model's dead letters.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>The task failed (%1): %2</source>
        <translation>The task failed (%1): %2</translation>
    </message>
    <message>
        <location line="+1" />
        <source>No result: the task failed.</source>
        <translation>No result: the task failed.</translation>
    </message>
    <message>
        <location line="+20" />
        <source>Succeeded</source>
        <translation>Succeeded</translation>
    </message>
    <message>
        <location line="+25" />
        <source>The result has no data at %1.</source>
        <translation>The result has no data at %1.</translation>
    </message>
    <message>
        <location line="+20" />
        <source>%1 — %2×%3</source>
        <translation>%1 — %2×%3</translation>
    </message>
    <message>
        <location line="+44" />
        <source>Enlarge</source>
        <translation>Enlarge</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Save image…</source>
        <translation>Save image…</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Save the picture</source>
        <translation>Save the picture</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Pictures (*.png *.jpg);;All files (*)</source>
        <translation>Pictures (*.png *.jpg);;All files (*)</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Cannot save the picture: %1</source>
        <translation>Cannot save the picture: %1</translation>
    </message>
    <message>
        <location line="+37" />
        <location line="+122" />
        <location line="+31" />
        <location line="+13" />
        <location line="+13" />
        <source>None</source>
        <translation>None</translation>
    </message>
    <message>
        <location line="-148" />
        <source>(empty list)</source>
        <translation>(empty list)</translation>
    </message>
    <message>
        <location line="+65" />
        <source>(empty map)</source>
        <translation>(empty map)</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Key</source>
        <translation>Key</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Value</source>
        <translation>Value</translation>
    </message>
    <message>
        <location line="-154" />
        <source>%1×%2, %3</source>
        <translation>%1×%2, %3</translation>
    </message>
    <message>
        <location line="-233" />
        <location line="+34" />
        <source>Save result…</source>
        <translation>Save result…</translation>
    </message>
    <message>
        <location line="-25" />
        <source>Save the result</source>
        <translation>Save the result</translation>
    </message>
    <message>
        <location line="+0" />
        <source>JSON (*.json);;All files (*)</source>
        <translation>JSON (*.json);;All files (*)</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Cannot save the result: %1</source>
        <translation>Cannot save the result: %1</translation>
    </message>
    <message>
        <location line="+412" />
        <source>(no data)</source>
        <translation>(no data)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 of data</source>
        <translation>%1 of data</translation>
    </message>
    <message>
        <location line="+13" />
        <source>(empty)</source>
        <translation>(empty)</translation>
    </message>
    <message>
        <location line="+10" />
        <source>yes</source>
        <translation>yes</translation>
    </message>
    <message>
        <location line="+0" />
        <source>no</source>
        <translation>no</translation>
    </message>
</context>
<context>
    <name>mmf::studio::SettingsPage</name>
    <message>
        <location filename="../app/gui/SettingsPage.cpp" line="+87" />
        <location line="+14" />
        <source>The window layout is back to the default.</source>
        <translation>The window layout is back to the default.</translation>
    </message>
    <message>
        <location line="-8" />
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Language</source>
        <translation>Language</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Interface language:</source>
        <translation>Interface language:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Window layout</source>
        <translation>Window layout</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The studio remembers its window size and position, the sizes of its panes and the page you were on.</source>
        <translation>The studio remembers its window size and position, the sizes of its panes and the page you were on.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Reset the window layout</source>
        <translation>Reset the window layout</translation>
    </message>
</context>
<context>
    <name>mmf::studio::SignInDialog</name>
    <message>
        <location filename="../app/gui/SignInDialog.cpp" line="+24" />
        <location line="+144" />
        <source>Sign in to MMF</source>
        <translation>Sign in to MMF</translation>
    </message>
    <message>
        <location line="-37" />
        <source>&lt;h2&gt;MMF Studio&lt;/h2&gt;&lt;p&gt;Sign in to a model-serving server.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;MMF Studio&lt;/h2&gt;&lt;p&gt;Sign in to a model-serving server.&lt;/p&gt;</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+35" />
        <source>Sign in</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <location line="-34" />
        <location line="+34" />
        <source>Create account</source>
        <translation>Create account</translation>
    </message>
    <message>
        <location line="-33" />
        <source>&amp;Server:</source>
        <translation>&amp;Server:</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Your login</source>
        <translation>Your login</translation>
    </message>
    <message>
        <location line="-1" />
        <source>&amp;Login:</source>
        <translation>&amp;Login:</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;Password:</source>
        <translation>&amp;Password:</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Repeat password:</source>
        <translation>&amp;Repeat password:</translation>
    </message>
    <message>
        <location line="+2" />
        <source>optional: your first project</source>
        <translation>optional: your first project</translation>
    </message>
    <message>
        <location line="-1" />
        <source>P&amp;roject:</source>
        <translation>P&amp;roject:</translation>
    </message>
    <message>
        <location line="-30" />
        <source>The login or the password is wrong.</source>
        <translation>The login or the password is wrong.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>This login is taken. Choose another one.</source>
        <translation>This login is taken. Choose another one.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>This server does not offer accounts (no /api/v1/auth). Check the address.</source>
        <translation>This server does not offer accounts (no /api/v1/auth). Check the address.</translation>
    </message>
    <message>
        <location line="+28" />
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location line="+27" />
        <source>Create an MMF account</source>
        <translation>Create an MMF account</translation>
    </message>
    <message>
        <location line="+42" />
        <source>The server address is not valid. Use e.g. http://127.0.0.1:8080.</source>
        <translation>The server address is not valid. Use e.g. http://127.0.0.1:8080.</translation>
    </message>
    <message>
        <location line="+5" />
        <source>The two passwords differ.</source>
        <translation>The two passwords differ.</translation>
    </message>
</context>
<context>
    <name>mmf::studio::SubmitPage</name>
    <message>
        <location filename="../app/gui/SubmitPage.cpp" line="+57" />
        <source>&lt;b&gt;Model:&lt;/b&gt;</source>
        <translation>&lt;b&gt;Model:&lt;/b&gt;</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Choose a model</source>
        <translation>Choose a model</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Request</source>
        <translation>Request</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Choose a model to fill in its request.</source>
        <translation>Choose a model to fill in its request.</translation>
    </message>
    <message>
        <location line="+45" />
        <source>Form</source>
        <translation>Form</translation>
    </message>
    <message>
        <location line="-22" />
        <source>The request as JSON (protobuf JSON mapping). Paste one here and apply it.</source>
        <translation>The request as JSON (protobuf JSON mapping). Paste one here and apply it.</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Copy</source>
        <translation>Copy</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Paste</source>
        <translation>Paste</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Apply to form</source>
        <translation>Apply to form</translation>
    </message>
    <message>
        <location line="+11" />
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <location line="+33" />
        <source>Example</source>
        <translation>Example</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Fill the form with the model's example request</source>
        <translation>Fill the form with the model's example request</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Recent</source>
        <translation>Recent</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The last requests sent to this model</source>
        <translation>The last requests sent to this model</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Copy as</source>
        <translation>Copy as</translation>
    </message>
    <message>
        <location line="+1" />
        <source>curl command</source>
        <translation>curl command</translation>
    </message>
    <message>
        <location line="+1" />
        <source>mmfctl command</source>
        <translation>mmfctl command</translation>
    </message>
    <message>
        <location line="+15" />
        <source>Clear</source>
        <translation>Clear</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Submit</source>
        <translation>Submit</translation>
    </message>
    <message>
        <location line="+14" />
        <source>Task</source>
        <translation>Task</translation>
    </message>
    <message>
        <location line="+6" />
        <location line="+463" />
        <source>No task yet.</source>
        <translation>No task yet.</translation>
    </message>
    <message>
        <location line="-449" />
        <source>Cancel task</source>
        <translation>Cancel task</translation>
    </message>
    <message>
        <location line="+10" />
        <source>&lt;b&gt;Log&lt;/b&gt;</source>
        <translation>&lt;b&gt;Log&lt;/b&gt;</translation>
    </message>
    <message>
        <location line="+8" />
        <source>&lt;b&gt;Result&lt;/b&gt;</source>
        <translation>&lt;b&gt;Result&lt;/b&gt;</translation>
    </message>
    <message>
        <location line="+25" />
        <source>The model %1 is no longer live.</source>
        <translation>The model %1 is no longer live.</translation>
    </message>
    <message>
        <location line="+55" />
        <source>Attempt %1 failed (%2: %3); the task is queued again.</source>
        <translation>Attempt %1 failed (%2: %3); the task is queued again.</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Attempt %1 failed (%2: %3); the next attempt is due at %4.</source>
        <translation>Attempt %1 failed (%2: %3); the next attempt is due at %4.</translation>
    </message>
    <message>
        <location line="+17" />
        <source>Live connection lost; reconnecting (the status is polled meanwhile)…</source>
        <translation>Live connection lost; reconnecting (the status is polled meanwhile)…</translation>
    </message>
    <message>
        <location line="+364" />
        <source>, attempt %1</source>
        <translation>, attempt %1</translation>
    </message>
    <message>
        <location line="+3" />
        <source> at %1</source>
        <translation> at %1</translation>
    </message>
    <message>
        <location line="+3" />
        <source>&lt;br/&gt;Last error: %1</source>
        <translation>&lt;br/&gt;Last error: %1</translation>
    </message>
    <message>
        <location line="-373" />
        <source>Live connection restored.</source>
        <translation>Live connection restored.</translation>
    </message>
    <message>
        <location line="+126" />
        <source>Loading %1…</source>
        <translation>Loading %1…</translation>
    </message>
    <message>
        <location line="+21" />
        <source>The model %1 is gone: it has no live instance.</source>
        <translation>The model %1 is gone: it has no live instance.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>The model's descriptors cannot be read: %1</source>
        <translation>The model's descriptors cannot be read: %1</translation>
    </message>
    <message>
        <location line="+9" />
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <location line="+59" />
        <source>%1 (field %2)</source>
        <translation>%1 (field %2)</translation>
    </message>
    <message>
        <location line="-205" />
        <source>The model %1 is gone.</source>
        <translation>The model %1 is gone.</translation>
    </message>
    <message>
        <location line="+228" />
        <source>The form has an invalid field, so the JSON was not updated: %1</source>
        <translation>The form has an invalid field, so the JSON was not updated: %1</translation>
    </message>
    <message>
        <location line="+31" />
        <source>The JSON is not valid at line %1, column %2: %3</source>
        <translation>The JSON is not valid at line %1, column %2: %3</translation>
    </message>
    <message>
        <location line="+7" />
        <source>The JSON must be an object ({…}) holding the request's fields.</source>
        <translation>The JSON must be an object ({…}) holding the request's fields.</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Choose a model first.</source>
        <translation>Choose a model first.</translation>
    </message>
    <message>
        <location line="+52" />
        <source>Task %1 submitted to %2.</source>
        <translation>Task %1 submitted to %2.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Waiting for the result…</source>
        <translation>Waiting for the result…</translation>
    </message>
    <message>
        <location line="+18" />
        <source>Task &lt;b&gt;%1&lt;/b&gt;: &lt;span style="color:%3"&gt;%2&lt;/span&gt;</source>
        <translation>Task &lt;b&gt;%1&lt;/b&gt;: &lt;span style="color:%3"&gt;%2&lt;/span&gt;</translation>
    </message>
    <message>
        <location line="-354" />
        <source>Cancelling failed: %1</source>
        <translation>Cancelling failed: %1</translation>
    </message>
    <message>
        <location line="-3" />
        <source>Cancellation requested.</source>
        <translation>Cancellation requested.</translation>
    </message>
</context>
<context>
    <name>mmf::studio::TaskListModel</name>
    <message>
        <location filename="../app/core/TaskListModel.cpp" line="+122" />
        <source>Queued</source>
        <translation>Queued</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Running</source>
        <translation>Running</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Succeeded</source>
        <translation>Succeeded</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Failed</source>
        <translation>Failed</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Cancelled</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Dead-lettered</source>
        <translation>Dead-lettered</translation>
    </message>
    <message numerus="yes">
        <location line="+28" />
        <source>%1 (%n sub-task(s))</source>
        <translation>
            <numerusform>%1 (%n sub-task(s))</numerusform>
            <numerusform>%1 (%n sub-task(s))</numerusform>
        </translation>
    </message>
    <message>
        <location line="+20" />
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <location line="+0" />
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location line="+7" />
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location line="+14" />
        <source>Task</source>
        <translation>Task</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Model</source>
        <translation>Model</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Created</source>
        <translation>Created</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Started</source>
        <translation>Started</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Finished</source>
        <translation>Finished</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Duration</source>
        <translation>Duration</translation>
    </message>
</context>
<context>
    <name>mmf::studio::TasksPage</name>
    <message>
        <location filename="../app/gui/TasksPage.cpp" line="+83" />
        <source>&lt;h3&gt;My tasks&lt;/h3&gt;</source>
        <translation>&lt;h3&gt;My tasks&lt;/h3&gt;</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Model:</source>
        <translation>Model:</translation>
    </message>
    <message>
        <location line="+7" />
        <source>All models</source>
        <translation>All models</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Status:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Any status</source>
        <translation>Any status</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Any time</source>
        <translation>Any time</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Last hour</source>
        <translation>Last hour</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Last 24 hours</source>
        <translation>Last 24 hours</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Last 7 days</source>
        <translation>Last 7 days</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Find a task by id</source>
        <translation>Find a task by id</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Refresh</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Cancel selected</source>
        <translation>Cancel selected</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Newer tasks</source>
        <translation>Newer tasks</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Older tasks</source>
        <translation>Older tasks</translation>
    </message>
    <message>
        <location line="+7" />
        <source>No tasks yet. Submit one from the Submit page.</source>
        <translation>No tasks yet. Submit one from the Submit page.</translation>
    </message>
    <message>
        <location line="+21" />
        <source>Task</source>
        <translation>Task</translation>
    </message>
    <message>
        <location line="+6" />
        <location line="+177" />
        <source>Select a task to see its log and result.</source>
        <translation>Select a task to see its log and result.</translation>
    </message>
    <message>
        <location line="-167" />
        <source>Resubmit…</source>
        <translation>Resubmit…</translation>
    </message>
    <message>
        <location line="+25" />
        <source>Result</source>
        <translation>Result</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Request</source>
        <translation>Request</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Timeline</source>
        <translation>Timeline</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Attempt</source>
        <translation>Attempt</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Instance</source>
        <translation>Instance</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Queued</source>
        <translation>Queued</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Running</source>
        <translation>Running</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Started</source>
        <translation>Started</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Outcome</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Error</source>
        <translation>Error</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The request the task was sent with.</source>
        <translation>The request the task was sent with.</translation>
    </message>
    <message>
        <location line="+39" />
        <source>The tasks cannot be listed.
%1</source>
        <translation>The tasks cannot be listed.
%1</translation>
    </message>
    <message>
        <location line="+76" />
        <source>0 of %1</source>
        <translation>0 of %1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1–%2 of %3</source>
        <translation>%1–%2 of %3</translation>
    </message>
    <message numerus="yes">
        <location line="+55" />
        <source>Cancelling %n task(s)…</source>
        <translation>
            <numerusform>Cancelling %n task(s)…</numerusform>
            <numerusform>Cancelling %n task(s)…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+15" />
        <source>Cancellation requested for %n task(s).</source>
        <translation>
            <numerusform>Cancellation requested for %n task(s).</numerusform>
            <numerusform>Cancellation requested for %n task(s).</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 of %2 cancellations failed.</source>
        <translation>%1 of %2 cancellations failed.</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Loading task %1…</source>
        <translation>Loading task %1…</translation>
    </message>
    <message>
        <location line="+13" />
        <source>Task %1 no longer exists (past its retention).</source>
        <translation>Task %1 no longer exists (past its retention).</translation>
    </message>
    <message>
        <location line="+19" />
        <source>This task logged nothing.</source>
        <translation>This task logged nothing.</translation>
    </message>
    <message>
        <location line="+13" />
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location line="+17" />
        <source>Retried</source>
        <translation>Retried</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location line="+11" />
        <source>&lt;b&gt;%1&lt;/b&gt; on &lt;b&gt;%2&lt;/b&gt;: %3, attempt %4</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; on &lt;b&gt;%2&lt;/b&gt;: %3, attempt %4</translation>
    </message>
</context>
</TS>
