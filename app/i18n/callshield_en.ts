<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
    <context>
        <name>AlertBar</name>
        <message>
            <source>这通电话已经结束（%1 的来电），现在显示的来电和它无关；它的详情在“记录”里</source>
            <translation>That call is over (the call at %1); the call shown now has nothing to do with it. Its details are in History</translation>
        </message>
        <message>
            <source>查看来电</source>
            <translation>Show the call</translation>
        </message>
        <message>
            <source>查看记录</source>
            <translation>Show in History</translation>
        </message>
        <message>
            <source>关闭提醒</source>
            <translation>Dismiss</translation>
        </message>
    </context>
    <context>
        <name>AlertsSection</name>
        <message>
            <source>提醒</source>
            <translation>Alerts</translation>
        </message>
        <message>
            <source>什么时候提醒</source>
            <translation>When to alert</translation>
        </message>
        <message>
            <source>有一点可疑就提醒（注意及以上）</source>
            <translation>At the slightest doubt (caution and above)</translation>
        </message>
        <message>
            <source>疑似诈骗时提醒（警告及以上，推荐）</source>
            <translation>When it looks like fraud (warning and above, recommended)</translation>
        </message>
        <message>
            <source>只在高风险时提醒（拦截）</source>
            <translation>Only at high risk (block)</translation>
        </message>
        <message>
            <source>提醒时响铃</source>
            <translation>Ring when alerting</translation>
        </message>
        <message>
            <source>试听铃声</source>
            <translation>Play the sound</translation>
        </message>
        <message>
            <source>提醒时把窗口调到最前面</source>
            <translation>Bring the window to the front when alerting</translation>
        </message>
        <message>
            <source>在任务栏弹出通知</source>
            <translation>Show a notification in the taskbar</translation>
        </message>
    </context>
    <context>
        <name>AudioSection</name>
        <message>
            <source>正在查找录音设备…</source>
            <translation>Looking for recording devices…</translation>
        </message>
        <message>
            <source>系统默认设备</source>
            <translation>System default device</translation>
        </message>
        <message>
            <source>找到 %1 个录音设备</source>
            <translation>Found %1 recording devices</translation>
        </message>
        <message>
            <source>没有找到录音设备。请插上麦克风或电话录音盒后点“刷新”。</source>
            <translation>No recording device found. Plug in a microphone or phone recorder, then press Refresh.</translation>
        </message>
        <message>
            <source>无法列出录音设备：</source>
            <translation>Cannot list recording devices: </translation>
        </message>
        <message>
            <source>请对着麦克风说话，音量条应该跳动。</source>
            <translation>Speak into the microphone; the bar should move.</translation>
        </message>
        <message>
            <source>停止</source>
            <translation>Stop</translation>
        </message>
        <message>
            <source>Windows：在“声音”设置的“录制”页里右键空白处，勾选“显示禁用的设备”，启用“立体声混音”；没有这一项的话，装一个虚拟声卡（如 VB-CABLE），把软电话的扬声器设成它。然后点“刷新”，在上面选它。</source>
            <translation>Windows: in Sound settings, on the Recording tab, right-click an empty spot, tick “Show Disabled Devices” and enable “Stereo Mix”. If there is no such entry, install a virtual sound card (such as VB-CABLE) and set the softphone's speaker to it. Then click “Refresh” and choose it above.</translation>
        </message>
        <message>
            <source>苹果电脑：先安装免费的 BlackHole（%1），在“音频 MIDI 设置”里建一个“多输出设备”（耳机 + BlackHole），把软电话的扬声器设成它。然后点“刷新”，在上面选 BlackHole。</source>
            <translation>Mac: install the free BlackHole (%1), make a “Multi-Output Device” (headphones + BlackHole) in Audio MIDI Setup, and set the softphone's speaker to it. Then click “Refresh” and choose BlackHole above.</translation>
        </message>
        <message>
            <source>选“扬声器回采”，就能录到耳机或音箱里对方的声音。没有这一项时，请确认系统使用 PulseAudio 或 PipeWire。</source>
            <translation>Choose a “Playback loopback” to record the caller's voice from your headset or speakers. If there is none, check that the system uses PulseAudio or PipeWire.</translation>
        </message>
        <message>
            <source>不用（上面的录音设备听整通电话）</source>
            <translation>Not used (the recording device hears the whole call)</translation>
        </message>
        <message>
            <source>请先在“对方（电话那头）”里选一个设备。</source>
            <translation>Choose a device for “caller” first.</translation>
        </message>
        <message>
            <source>请让软电话或耳机放出声音，“对方”的音量条应该跳动。</source>
            <translation>Let the softphone or headset play some sound; the caller's level bar should move.</translation>
        </message>
        <message>
            <source>开始检测</source>
            <translation>Start</translation>
        </message>
        <message>
            <source>无法打开“对方”的设备：</source>
            <translation>Cannot open the caller's device: </translation>
        </message>
        <message>
            <source>%1（现在没有插上）</source>
            <translation>%1 (not plugged in now)</translation>
        </message>
        <message>
            <source>无法列出“对方”的设备：</source>
            <translation>Cannot list the caller's devices: </translation>
        </message>
        <message>
            <source>正在监听通话，所以没有重新查找设备：刚插上的设备要等通话结束后再点“刷新”才会出现。</source>
            <translation>A call is being listened to, so the devices were not searched again: a device plugged in since shows up when you click “Refresh” after the call.</translation>
        </message>
        <message>
            <source>正在检测音量或试录音，所以没有重新查找设备：停下后再点“刷新”，刚插上的设备才会出现。</source>
            <translation>A level test or test recording is running, so the devices were not searched again: stop it, then click “Refresh” to see a device plugged in since.</translation>
        </message>
        <message>
            <source>无法打开录音设备：</source>
            <translation>Cannot open the recording device: </translation>
        </message>
        <message>
            <source>正在录音 %1 秒，请说话…</source>
            <translation>Recording for %1 seconds, please speak…</translation>
        </message>
        <message>
            <source>录好了：%1 秒，音量 %2 dB。</source>
            <translation>Recorded %1 s, level %2 dB. </translation>
        </message>
        <message>
            <source>声音太小，请检查设备。</source>
            <translation>Very quiet; please check the device.</translation>
        </message>
        <message>
            <source>设备工作正常。</source>
            <translation>The device works.</translation>
        </message>
        <message>
            <source>识别结果：</source>
            <translation>Recognised: </translation>
        </message>
        <message>
            <source>录音失败：</source>
            <translation>Recording failed: </translation>
        </message>
        <message>
            <source>声音输入（听通话内容）</source>
            <translation>Sound input (to hear the call)</translation>
        </message>
        <message>
            <source>对方（电话那头）</source>
            <translation>Caller (the other end)</translation>
        </message>
        <message>
            <source>软电话或耳机里对方的声音：选“扬声器回采”。只有对方说的话参与评分。</source>
            <translation>The caller's voice from a softphone or headset: choose a “Playback loopback”. Only what the caller says is scored.</translation>
        </message>
        <message>
            <source>对方音量</source>
            <translation>Caller level</translation>
        </message>
        <message>
            <source>我方音量</source>
            <translation>Our level</translation>
        </message>
        <message>
            <source>刷新</source>
            <translation>Refresh</translation>
        </message>
        <message>
            <source>对方的声音设备</source>
            <translation>Caller's sound device</translation>
        </message>
        <message>
            <source>我方（麦克风）</source>
            <translation>Us (microphone)</translation>
        </message>
        <message>
            <source>试录 3 秒</source>
            <translation>Test: record 3 s</translation>
        </message>
    </context>
    <context>
        <name>CallCard</name>
        <message>
            <source>对方说的话（参与评分，可疑说法高亮）</source>
            <translation>What the caller said — scored, suspicious phrases highlighted</translation>
        </message>
        <message>
            <source>归属地未知</source>
            <translation>Location unknown</translation>
        </message>
        <message>
            <source>线路 %1 · %2</source>
            <translation>Line %1 · %2</translation>
        </message>
        <message>
            <source>系统默认麦克风</source>
            <translation>system default microphone</translation>
        </message>
        <message>
            <source>对方：%1 · 我方：%2</source>
            <translation>Caller: %1 · Us: %2</translation>
        </message>
        <message>
            <source>录音设备：%1</source>
            <translation>Recording device: %1</translation>
        </message>
        <message>
            <source>这条线路正在用这些设备听通话（设置 → 声音输入 → 各线路的设备）</source>
            <translation>This line is heard on these devices (Settings → Sound input → Devices per line)</translation>
        </message>
        <message>
            <source>已结束监听</source>
            <translation>Stopped listening</translation>
        </message>
        <message>
            <source>拉黑</source>
            <translation>Block</translation>
        </message>
        <message>
            <source>把这个号码加入我的黑名单，以后直接拦截</source>
            <translation>Add this number to my blocklist; block it from now on</translation>
        </message>
        <message>
            <source>信任</source>
            <translation>Trust</translation>
        </message>
        <message>
            <source>把这个号码加入白名单（家人、熟人），以后不再提醒</source>
            <translation>Add this number to the allowlist (family, friends); never warn about it again</translation>
        </message>
        <message>
            <source>标记…</source>
            <translation>Mark…</translation>
        </message>
        <message>
            <source>给这个来电记下类别和备注</source>
            <translation>Note a category and a comment for this call</translation>
        </message>
        <message>
            <source>结束监听</source>
            <translation>Stop listening</translation>
        </message>
        <message>
            <source>停止听这通电话（记录会保存）</source>
            <translation>Stop listening to this call (the record is kept)</translation>
        </message>
        <message>
            <source>移除卡片</source>
            <translation>Remove card</translation>
        </message>
        <message>
            <source>举报…</source>
            <translation>Report…</translation>
        </message>
        <message>
            <source>举报这个号码（记在本机，可导出给志愿者中心）</source>
            <translation>Report this number (kept on this computer; can be exported for the volunteer centre)</translation>
        </message>
        <message>
            <source>接听</source>
            <translation>Answer</translation>
        </message>
        <message>
            <source>接起这通 SIP 来电，并转写双方的话</source>
            <translation>Pick up this SIP call and transcribe both sides</translation>
        </message>
        <message>
            <source>正在接听…</source>
            <translation>Answering…</translation>
        </message>
        <message>
            <source>通话内容（可疑说法会高亮）</source>
            <translation>What was said (suspicious phrases highlighted)</translation>
        </message>
        <message>
            <source>对方通话文字</source>
            <translation>Caller's transcript</translation>
        </message>
        <message>
            <source>模拟的来电 · %1</source>
            <translation>Simulated call · %1</translation>
        </message>
        <message>
            <source>已拉黑</source>
            <translation>Blocked</translation>
        </message>
        <message>
            <source>确认信任</source>
            <translation>Trust this number?</translation>
        </message>
        <message>
            <source>这个来电有诈骗风险。确定要把它加入白名单吗？以后它不会再被提醒。</source>
            <translation>This call looks like fraud. Add it to the allowlist anyway? It will never be flagged again.</translation>
        </message>
        <message>
            <source>已加入白名单</source>
            <translation>Added to the allowlist</translation>
        </message>
        <message>
            <source>已标记为：</source>
            <translation>Marked as: </translation>
        </message>
    </context>
    <context>
        <name>CallSourceSection</name>
        <message>
            <source>自动查找</source>
            <translation>Find automatically</translation>
        </message>
        <message>
            <source>其他座机线路里有一行没填串口（如 COM4）</source>
            <translation>A row under More landlines has no serial port (such as COM4)</translation>
        </message>
        <message>
            <source>来电来源已保存</source>
            <translation>Call source saved</translation>
        </message>
        <message>
            <source>来电从哪里来</source>
            <translation>Where calls come from</translation>
        </message>
        <message>
            <source>来电来源</source>
            <translation>Call source</translation>
        </message>
        <message>
            <source>手动输入（不接设备）</source>
            <translation>Manual entry (no device)</translation>
        </message>
        <message>
            <source>来电显示调制解调器（座机）</source>
            <translation>Caller-ID modem (landline)</translation>
        </message>
        <message>
            <source>NCID 来电显示服务器</source>
            <translation>NCID caller-ID server</translation>
        </message>
        <message>
            <source>串口</source>
            <translation>Serial port</translation>
        </message>
        <message>
            <source>线路名称</source>
            <translation>Line name</translation>
        </message>
        <message>
            <source>可不填，如 前台；有几台调制解调器时用来区分线路</source>
            <translation>Optional, such as Front desk; tells the lines apart when there are several modems</translation>
        </message>
        <message>
            <source>其他座机线路</source>
            <translation>More landlines</translation>
        </message>
        <message>
            <source>其他座机线路：每条线一台调制解调器</source>
            <translation>More landlines: one modem per line</translation>
        </message>
        <message>
            <source>每条座机线路接一台来电显示调制解调器；写出它的串口（如 COM4）和线路名称（如 二线）。</source>
            <translation>Each landline has its own caller-ID modem; give its serial port (such as COM4) and the line's name (such as Line 2).</translation>
        </message>
        <message>
            <source>添加一台调制解调器</source>
            <translation>Add a modem</translation>
        </message>
        <message>
            <source>删除所选</source>
            <translation>Remove selected</translation>
        </message>
        <message>
            <source>服务器地址</source>
            <translation>Server address</translation>
        </message>
        <message>
            <source>端口</source>
            <translation>Port</translation>
        </message>
        <message>
            <source>SIP 网络电话线路（通过 baresip）</source>
            <translation>SIP internet-phone line (through baresip)</translation>
        </message>
        <message>
            <source>请填写 SIP 服务器地址（例如 sip.example.com）</source>
            <translation>Please enter the SIP server address (e.g. sip.example.com)</translation>
        </message>
        <message>
            <source>请填写 SIP 用户名（通常是分机号）</source>
            <translation>Please enter the SIP user name (usually the extension number)</translation>
        </message>
        <message>
            <source>SIP 设置里有不能用的字符（换行、分号、空格或尖括号），请修改</source>
            <translation>The SIP settings contain a character that cannot be used (line break, semicolon, space or angle bracket); please change it</translation>
        </message>
        <message>
            <source>本机 SIP 端口应写成“地址:端口”，例如 0.0.0.0:5060</source>
            <translation>Write the local SIP port as “address:port”, e.g. 0.0.0.0:5060</translation>
        </message>
        <message>
            <source>正在测试 SIP 线路…</source>
            <translation>Testing the SIP line…</translation>
        </message>
        <message>
            <source>测试没有完成：</source>
            <translation>The test did not finish: </translation>
        </message>
        <message>
            <source>拦截的号码自动拒接（我方不振铃）</source>
            <translation>Refuse blocked numbers automatically (our phone does not ring)</translation>
        </message>
        <message>
            <source>高风险来电自动挂断</source>
            <translation>Hang up high-risk calls automatically</translation>
        </message>
        <message>
            <source>SIP 服务器</source>
            <translation>SIP server</translation>
        </message>
        <message>
            <source>用户名（分机号）</source>
            <translation>User name (extension)</translation>
        </message>
        <message>
            <source>密码</source>
            <translation>Password</translation>
        </message>
        <message>
            <source>传输方式</source>
            <translation>Transport</translation>
        </message>
        <message>
            <source>本机 SIP 端口</source>
            <translation>Local SIP port</translation>
        </message>
        <message>
            <source>例如 sip.example.com 或 192.168.1.10:5060</source>
            <translation>e.g. sip.example.com or 192.168.1.10:5060</translation>
        </message>
        <message>
            <source>密码只保存在本机的数据文件夹里</source>
            <translation>The password is kept only in this computer's data folder</translation>
        </message>
        <message>
            <source>向服务器注册（不勾选：对方直接呼叫本机）</source>
            <translation>Register with the server (unticked: callers dial this computer directly)</translation>
        </message>
        <message>
            <source>放行的来电自动接听，并转写双方的话（无人值守）</source>
            <translation>Answer allowed calls automatically and transcribe both sides (unattended)</translation>
        </message>
        <message>
            <source>线路把国内来电写成 +86 开头：按在国内拨打的号码判断</source>
            <translation>The line writes domestic callers as +86…: judge them as dialled at home</translation>
        </message>
        <message>
            <source>有的运营商线路把每个来电都写成 +86 开头（如 +86 95588）。不勾选时，+86 开头的来电按“从境外打来”判断，+86 95588 会被当成冒充的官方号码拦截。只有确认线路这样写号码时才勾选。</source>
            <translation>Some providers' lines write every caller with +86 in front (such as +86 95588). Unticked, a +86 caller is judged as calling from abroad, and +86 95588 is blocked as a spoofed official number. Tick this only when you know your line writes numbers this way.</translation>
        </message>
        <message>
            <source>测试</source>
            <translation>Test</translation>
        </message>
        <message>
            <source>用上面的设置连接一次 SIP 服务器，看能否注册</source>
            <translation>Connect to the SIP server once with the settings above and see whether it registers</translation>
        </message>
        <message>
            <source>来电显示制式</source>
            <translation>Caller-ID standard</translation>
        </message>
        <message>
            <source>中国（AT+GCI=26，推荐）</source>
            <translation>China (AT+GCI=26, recommended)</translation>
        </message>
        <message>
            <source>不设置（沿用调制解调器自己的设置）</source>
            <translation>Leave as is (the modem's own setting)</translation>
        </message>
        <message>
            <source>调制解调器按所选国家的标准解读来电显示；设错了可能收不到号码。</source>
            <translation>The modem reads caller ID by the chosen country's standard; the wrong one can mean no numbers at all.</translation>
        </message>
        <message>
            <source>把拦截的号码加入 NCID 服务器的黑名单（由服务器挂断）</source>
            <translation>Add blocked numbers to the NCID server's blacklist (the server hangs up on them)</translation>
        </message>
        <message>
            <source>保存来电来源</source>
            <translation>Save call source</translation>
        </message>
    </context>
    <context>
        <name>CheckPage</name>
        <message>
            <source>查号</source>
            <translation>Check</translation>
        </message>
        <message>
            <source>查询 (Ctrl+Enter)</source>
            <translation>Check (Ctrl+Enter)</translation>
        </message>
        <message>
            <source>粘贴一个或多个电话号码，或一条可疑的短信、聊天内容，或打开手机导出的通话记录（CSV 文件），看看有没有诈骗风险、为什么。</source>
            <translation>Paste one or more phone numbers, or a suspicious text message or chat, or open a call log exported from a phone (CSV file), to see whether there is a risk of fraud, and why.</translation>
        </message>
        <message>
            <source>在这里粘贴电话号码（每行一个）或一条短信，例如：
95275012
+86 138 0013 8000
【某某银行】您的账户存在异常，请点击链接重新认证……</source>
            <translation>Paste phone numbers here (one per line) or a text message, e.g.:
95275012
+86 138 0013 8000
[Some Bank] Your account is abnormal, open the link to verify again…</translation>
        </message>
        <message>
            <source>要查询的号码或短信</source>
            <translation>Numbers or message to check</translation>
        </message>
        <message>
            <source>内容：</source>
            <translation>Content:</translation>
        </message>
        <message>
            <source>自动判断</source>
            <translation>Detect automatically</translation>
        </message>
        <message>
            <source>电话号码</source>
            <translation>Phone numbers</translation>
        </message>
        <message>
            <source>短信</source>
            <translation>SMS</translation>
        </message>
        <message>
            <source>聊天</source>
            <translation>Chat</translation>
        </message>
        <message>
            <source>通话内容</source>
            <translation>What a caller said</translation>
        </message>
        <message>
            <source>粘贴的是什么：自动判断、电话号码、短信、聊天或通话内容</source>
            <translation>What was pasted: detect automatically, phone numbers, a text message, a chat or what a caller said</translation>
        </message>
        <message>
            <source>查询号码或短信</source>
            <translation>Check the numbers or message</translation>
        </message>
        <message>
            <source>打开通话记录…</source>
            <translation>Open call log…</translation>
        </message>
        <message>
            <source>打开通话记录 CSV 文件</source>
            <translation>Open a call-log CSV file</translation>
        </message>
        <message>
            <source>清空</source>
            <translation>Clear</translation>
        </message>
        <message>
            <source>筛选：</source>
            <translation>Filter:</translation>
        </message>
        <message>
            <source>输入号码、地区或原因</source>
            <translation>Type a number, place or reason</translation>
        </message>
        <message>
            <source>筛选查询结果</source>
            <translation>Filter results</translation>
        </message>
        <message>
            <source>查询结果</source>
            <translation>Results</translation>
        </message>
        <message>
            <source>把选中的号码加入：</source>
            <translation>Add the selected numbers to:</translation>
        </message>
        <message>
            <source>目标名单</source>
            <translation>Target list</translation>
        </message>
        <message>
            <source>类别：</source>
            <translation>Category:</translation>
        </message>
        <message>
            <source>类别</source>
            <translation>Category</translation>
        </message>
        <message>
            <source>备注（可不填）</source>
            <translation>Note (optional)</translation>
        </message>
        <message>
            <source>备注</source>
            <translation>Note</translation>
        </message>
        <message>
            <source>加入名单</source>
            <translation>Add to list</translation>
        </message>
        <message>
            <source>举报…</source>
            <translation>Report…</translation>
        </message>
        <message>
            <source>举报选中的号码（记在本机，可导出给志愿者中心）</source>
            <translation>Report the selected number (kept on this computer; can be exported for the volunteer centre)</translation>
        </message>
        <message>
            <source>导出 CSV…</source>
            <translation>Export CSV…</translation>
        </message>
        <message>
            <source>把全部查询结果导出为 CSV 表格</source>
            <translation>Export all results as a CSV table</translation>
        </message>
        <message>
            <source>文字里的电话号码（已按号码查询）：</source>
            <translation>Phone numbers in the text (checked as numbers):</translation>
        </message>
        <message>
            <source>请先输入或粘贴号码或短信。</source>
            <translation>Type or paste numbers or a message first.</translation>
        </message>
        <message>
            <source>正在查询号码…</source>
            <translation>Checking the numbers…</translation>
        </message>
        <message numerus="yes">
            <source>正在查询 %n 个号码…</source>
            <translation>
                <numerusform>Checking %n number…</numerusform>
                <numerusform>Checking %n numbers…</numerusform>
            </translation>
        </message>
        <message>
            <source>正在检查这段文字…</source>
            <translation>Checking the text…</translation>
        </message>
        <message>
            <source>正在逐条检查…</source>
            <translation>Checking each message…</translation>
        </message>
        <message>
            <source>打开通话记录</source>
            <translation>Open call log</translation>
        </message>
        <message>
            <source>通话记录 (*.csv *.txt);;所有文件 (*)</source>
            <translation>Call logs (*.csv *.txt);;All files (*)</translation>
        </message>
        <message>
            <source>正在读取通话记录…</source>
            <translation>Reading the call log…</translation>
        </message>
        <message>
            <source>请先在表格中选中号码。</source>
            <translation>Select numbers in the table first.</translation>
        </message>
        <message>
            <source>正在加入名单…</source>
            <translation>Adding to the list…</translation>
        </message>
        <message numerus="yes">
            <source>已把 %n 个号码加入“%1”。</source>
            <translation>
                <numerusform>Added %n number to "%1".</numerusform>
                <numerusform>Added %n numbers to "%1".</numerusform>
            </translation>
        </message>
        <message>
            <source>未能加入：</source>
            <translation>Could not add: </translation>
        </message>
        <message>
            <source>这段看起来是短信或聊天：要检查里面的话术，请在“内容”里选“自动判断”或“短信”。</source>
            <translation>This reads like a message or a chat: to check what it says, choose “Detect automatically” or “SMS” under “Content”.</translation>
        </message>
        <message>
            <source>没有找到电话号码。</source>
            <translation>No phone numbers found.</translation>
        </message>
        <message>
            <source>已取消查询。</source>
            <translation>Check cancelled.</translation>
        </message>
        <message numerus="yes">
            <source>共 %n 个：</source>
            <translation>
                <numerusform>%n in total: </numerusform>
                <numerusform>%n in total: </numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>（表格显示风险最高的 %n 个；导出 CSV 可得到全部结果）</source>
            <translation>
                <numerusform>(the table shows the riskiest %n; export CSV for all results)</numerusform>
                <numerusform>(the table shows the riskiest %n; export CSV for all results)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>（粘贴的内容里有 %n 行看不出哪一部分是号码，没有检查）</source>
            <translation>
                <numerusform>(%n pasted line has no clear number; not checked)</numerusform>
                <numerusform>(%n pasted lines have no clear number; not checked)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>（文件里有 %n 行看不出哪一部分是号码，没有检查）</source>
            <translation>
                <numerusform>(%n line of the file has no clear number; not checked)</numerusform>
                <numerusform>(%n lines of the file have no clear number; not checked)</numerusform>
            </translation>
        </message>
        <message>
            <source>导出查询结果</source>
            <translation>Export check results</translation>
        </message>
        <message>
            <source>CSV 表格 (*.csv)</source>
            <translation>CSV table (*.csv)</translation>
        </message>
        <message numerus="yes">
            <source>已导出 %n 个号码的结果到：</source>
            <translation>
                <numerusform>Exported the result for %n number to: </numerusform>
                <numerusform>Exported the results for %n numbers to: </numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>CheckResultsModel</name>
        <message>
            <source>号码</source>
            <translation>Number</translation>
        </message>
        <message>
            <source>姓名</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>时间</source>
            <translation>Time</translation>
        </message>
        <message>
            <source>风险等级</source>
            <translation>Risk level</translation>
        </message>
        <message>
            <source>归属地</source>
            <translation>Location</translation>
        </message>
        <message>
            <source>运营商</source>
            <translation>Carrier</translation>
        </message>
        <message>
            <source>原因</source>
            <translation>Reasons</translation>
        </message>
    </context>
    <context>
        <name>DisplaySection</name>
        <message>
            <source>语言、文字大小和报告署名</source>
            <translation>Language, text size and report signature</translation>
        </message>
        <message>
            <source>报告署名</source>
            <translation>Report signature</translation>
        </message>
        <message>
            <source>可不填，如：XX社区居委会反诈值班 周老师</source>
            <translation>Optional, e.g. Anti-fraud desk, XX residents' committee, Ms Zhou</translation>
        </message>
        <message>
            <source>导出的报告上写谁整理的（可不填）</source>
            <translation>Who compiled the exported reports (optional)</translation>
        </message>
        <message>
            <source>界面语言</source>
            <translation>Language</translation>
        </message>
        <message>
            <source>跟随系统</source>
            <translation>Same as the system</translation>
        </message>
        <message>
            <source>大字模式（文字放大 1.5 倍）</source>
            <translation>Large text (1.5× bigger)</translation>
        </message>
        <message>
            <source>重新运行首次设置向导…</source>
            <translation>Run the first-time setup again…</translation>
        </message>
    </context>
    <context>
        <name>EmailNotice</name>
        <message>
            <source>未知号码</source>
            <translation>unknown number</translation>
        </message>
        <message>
            <source>“提醒仍然有效”邮件没有发出去：%1</source>
            <translation>The “warning stands” e-mail could not be sent: %1</translation>
        </message>
        <message>
            <source>家人收到了更正，以为关于 %1 的提醒已经撤回，其实提醒仍然有效。请直接告诉家人，并到“设置”里检查邮件设置。</source>
            <translation>Your family got the correction and thinks the alert about %1 was withdrawn, but the warning stands. Tell them yourself, and check the e-mail settings under Settings.</translation>
        </message>
        <message>
            <source>更正邮件没有发出去：%1</source>
            <translation>The correction e-mail could not be sent: %1</translation>
        </message>
        <message>
            <source>家人不知道关于 %1 的提醒已经撤回。请到“设置”里检查邮件设置。</source>
            <translation>Your family was not told that the alert about %1 was withdrawn. Check the e-mail settings under Settings.</translation>
        </message>
        <message>
            <source>提醒邮件没有发出去：%1</source>
            <translation>The alert e-mail could not be sent: %1</translation>
        </message>
        <message>
            <source>家人没有收到关于 %1 的提醒。请到“设置”里检查邮件设置。</source>
            <translation>Your family was not told about %1. Check the e-mail settings under Settings.</translation>
        </message>
        <message>
            <source>检查邮件设置</source>
            <translation>Check e-mail settings</translation>
        </message>
        <message>
            <source>知道了</source>
            <translation>OK</translation>
        </message>
    </context>
    <context>
        <name>EmailSection</name>
        <message>
            <source>请填写邮件服务器地址（例如 smtp.qq.com）</source>
            <translation>Enter the mail server (e.g. smtp.qq.com)</translation>
        </message>
        <message>
            <source>请至少填写一个收件人邮箱</source>
            <translation>Enter at least one recipient address</translation>
        </message>
        <message>
            <source>这些收件人地址不像邮箱：</source>
            <translation>These recipients do not look like e-mail addresses: </translation>
        </message>
        <message>
            <source>请填写发件人邮箱或登录用户名</source>
            <translation>Enter the sender address or the login name</translation>
        </message>
        <message>
            <source>有改动还没保存：点“保存邮件设置”（测试邮件发送成功时也会保存）。</source>
            <translation>Changes not saved yet: click Save e-mail settings (a test e-mail that goes through saves them too).</translation>
        </message>
        <message>
            <source>邮件设置已保存</source>
            <translation>E-mail settings saved</translation>
        </message>
        <message>
            <source>已保存（邮件提醒未开启）</source>
            <translation>Saved (e-mail alerts are off)</translation>
        </message>
        <message>
            <source>正在发送测试邮件…</source>
            <translation>Sending a test e-mail…</translation>
        </message>
        <message>
            <source>测试邮件已发出，请到收件箱查看</source>
            <translation>Test e-mail sent; check the inbox</translation>
        </message>
        <message>
            <source>；这些设置已保存</source>
            <translation>; these settings are saved</translation>
        </message>
        <message>
            <source>。邮件提醒还没开启：勾选上面的“开启邮件提醒”并保存后，才会发出提醒。</source>
            <translation>. E-mail alerts are not on yet: tick Send e-mail alerts above and save, and alerts will be sent.</translation>
        </message>
        <message>
            <source>发送失败：</source>
            <translation>Sending failed: </translation>
        </message>
        <message>
            <source>邮件通知家人</source>
            <translation>E-mail the family</translation>
        </message>
        <message>
            <source>有可疑来电时给家人发邮件（号码、判断、原因和通话摘录）。只有在这里开启后才会发送，信息不会发给其他人。</source>
            <translation>Send the family an e-mail about a suspicious call (number, verdict, reasons and an excerpt of what was said). Nothing is sent unless you turn this on, and only to the addresses below.</translation>
        </message>
        <message>
            <source>开启邮件提醒</source>
            <translation>Send e-mail alerts</translation>
        </message>
        <message>
            <source>邮件服务器</source>
            <translation>Mail server</translation>
        </message>
        <message>
            <source>端口</source>
            <translation>Port</translation>
        </message>
        <message>
            <source>加密方式</source>
            <translation>Encryption</translation>
        </message>
        <message>
            <source>登录用户名</source>
            <translation>Login name</translation>
        </message>
        <message>
            <source>密码或授权码</source>
            <translation>Password or app code</translation>
        </message>
        <message>
            <source>发件人邮箱</source>
            <translation>Sender address</translation>
        </message>
        <message>
            <source>收件人邮箱</source>
            <translation>Recipients</translation>
        </message>
        <message>
            <source>例如 smtp.qq.com</source>
            <translation>e.g. smtp.qq.com</translation>
        </message>
        <message>
            <source>多个地址用逗号分开</source>
            <translation>Separate several addresses with commas</translation>
        </message>
        <message>
            <source>STARTTLS（推荐，端口 587）</source>
            <translation>STARTTLS (recommended, port 587)</translation>
        </message>
        <message>
            <source>SSL/TLS（端口 465）</source>
            <translation>SSL/TLS (port 465)</translation>
        </message>
        <message>
            <source>不加密（仅限本机或内网）</source>
            <translation>No encryption (this computer or local network only)</translation>
        </message>
        <message>
            <source>保存邮件设置</source>
            <translation>Save e-mail settings</translation>
        </message>
        <message>
            <source>发送测试邮件</source>
            <translation>Send a test e-mail</translation>
        </message>
    </context>
    <context>
        <name>EntryDialog</name>
        <message>
            <source>编辑条目</source>
            <translation>Edit entry</translation>
        </message>
        <message>
            <source>添加号码</source>
            <translation>Add number</translation>
        </message>
        <message>
            <source>号码，或规则如 952750?? 、170*</source>
            <translation>A number, or a pattern such as 952750?? or 170*</translation>
        </message>
        <message>
            <source>号码或规则</source>
            <translation>Number or pattern</translation>
        </message>
        <message>
            <source>类别</source>
            <translation>Category</translation>
        </message>
        <message>
            <source>备注</source>
            <translation>Note</translation>
        </message>
        <message>
            <source>号码 / 规则：</source>
            <translation>Number / pattern:</translation>
        </message>
        <message>
            <source>类别：</source>
            <translation>Category:</translation>
        </message>
        <message>
            <source>备注：</source>
            <translation>Note: </translation>
        </message>
        <message>
            <source>保存</source>
            <translation>Save</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
    </context>
    <context>
        <name>ErrorDetailsDialog</name>
        <message>
            <source>出错了</source>
            <translation>Something went wrong</translation>
        </message>
        <message>
            <source>无法完成</source>
            <translation>Could not continue</translation>
        </message>
        <message>
            <source>您的数据没有丢失。如需帮助，请把下面的详细信息发给帮您安装的人。</source>
            <translation>Your data is safe. If you need help, send the details below to whoever set up this computer.</translation>
        </message>
        <message>
            <source>日志文件：</source>
            <translation>Log file: </translation>
        </message>
        <message>
            <source>错误详细信息</source>
            <translation>Error details</translation>
        </message>
        <message>
            <source>显示详细信息</source>
            <translation>Show details</translation>
        </message>
        <message>
            <source>复制详细信息</source>
            <translation>Copy details</translation>
        </message>
        <message>
            <source>知道了</source>
            <translation>OK</translation>
        </message>
        <message>
            <source>隐藏详细信息</source>
            <translation>Hide details</translation>
        </message>
        <message>
            <source>找不到文件：</source>
            <translation>File not found: </translation>
        </message>
        <message>
            <source>没有权限访问：</source>
            <translation>No permission to access: </translation>
        </message>
        <message>
            <source>读写文件或设备时出错：</source>
            <translation>Could not read or write a file or device: </translation>
        </message>
        <message>
            <source>程序遇到了意外问题，已记录到日志。</source>
            <translation>CallShield hit an unexpected problem. It has been written to the log.</translation>
        </message>
    </context>
    <context>
        <name>ExportPreviewDialog</name>
        <message>
            <source>导出举报给志愿者中心</source>
            <translation>Export reports for the volunteer centre</translation>
        </message>
        <message>
            <source>下面就是将要分享的全部内容：号码、类别、备注、时间，和一个随机安装编号（用来让志愿者把同一户的举报只算一次，看不出您是谁）。不含您的电话号码或其他个人信息。称呼可不填。</source>
            <translation>Below is everything that will be shared: numbers, categories, notes, times and a random installation id (so volunteers count each household once without learning who you are). It holds no phone number of yours or other personal data. The name is optional.</translation>
        </message>
        <message>
            <source>可不填，例如：张阿姨家</source>
            <translation>Optional, e.g. Auntie Zhang's family</translation>
        </message>
        <message>
            <source>您的称呼（可不填）</source>
            <translation>Your name (optional)</translation>
        </message>
        <message>
            <source>将要写入文件的内容</source>
            <translation>What will be written to the file</translation>
        </message>
        <message>
            <source>您的称呼：</source>
            <translation>Your name:</translation>
        </message>
        <message>
            <source>保存到文件…</source>
            <translation>Save to file…</translation>
        </message>
        <message>
            <source>取消，不导出</source>
            <translation>Cancel, export nothing</translation>
        </message>
        <message numerus="yes">
            <source>保存 %n 条举报到文件…</source>
            <translation>
                <numerusform>Save %n report to file…</numerusform>
                <numerusform>Save %n reports to file…</numerusform>
            </translation>
        </message>
        <message>
            <source>导出举报</source>
            <translation>Export reports</translation>
        </message>
        <message>
            <source>JSON 文件 (*.json)</source>
            <translation>JSON files (*.json)</translation>
        </message>
    </context>
    <context>
        <name>FamilyPage</name>
        <message>
            <source>这些行不像电话号码，请改正或删掉：</source>
            <translation>These lines do not look like phone numbers; correct or delete them:</translation>
        </message>
        <message>
            <source>家人和熟人的号码</source>
            <translation>Family and friends</translation>
        </message>
        <message>
            <source>这些号码打来时永远不会被提醒。每行一个，可以在号码后写上名字。也可以跳过。</source>
            <translation>Calls from these numbers are never flagged. One per line; you may add a name after the number. You can skip this.</translation>
        </message>
        <message>
            <source>例如：</source>
            <translation>For example:</translation>
        </message>
        <message>
            <source>女儿</source>
            <translation>Daughter</translation>
        </message>
        <message>
            <source>社区</source>
            <translation>Community office</translation>
        </message>
        <message>
            <source>每行一个号码</source>
            <translation>One number per line</translation>
        </message>
        <message>
            <source>按回车换到下一行；在空行上按回车，进入下一步。</source>
            <translation>Enter starts a new line; Enter on an empty line goes to the next step.</translation>
        </message>
        <message>
            <source>家人号码</source>
            <translation>Family numbers</translation>
        </message>
    </context>
    <context>
        <name>FamilyReportPage</name>
        <message>
            <source>家人防诈报告</source>
            <translation>Family safety report</translation>
        </message>
        <message>
            <source>选一位家人和一段时间，看看他们手机上的可疑电话、短信和通话录音。每周把手机备份导进来，或在设置里让电脑监视手机同步过来的录音文件夹。</source>
            <translation>Pick a person and a period to see the suspicious calls, text messages and call recordings on their phone. Import the phone's backup once a week, or let the PC watch the folder the phone syncs its recordings to (Settings).</translation>
        </message>
        <message>
            <source>家人：</source>
            <translation>Person: </translation>
        </message>
        <message>
            <source>选择家人（手机）</source>
            <translation>Choose the person (phone)</translation>
        </message>
        <message>
            <source>添加家人…</source>
            <translation>Add person…</translation>
        </message>
        <message>
            <source>改名…</source>
            <translation>Rename…</translation>
        </message>
        <message>
            <source>时间：</source>
            <translation>Period:</translation>
        </message>
        <message>
            <source>最近 7 天</source>
            <translation>Last 7 days</translation>
        </message>
        <message>
            <source>最近 30 天</source>
            <translation>Last 30 days</translation>
        </message>
        <message>
            <source>指定日期…</source>
            <translation>Choose dates…</translation>
        </message>
        <message>
            <source>报告的时间范围</source>
            <translation>Report period</translation>
        </message>
        <message>
            <source>开始日期</source>
            <translation>Start date</translation>
        </message>
        <message>
            <source>结束日期</source>
            <translation>End date</translation>
        </message>
        <message>
            <source>至</source>
            <translation>to</translation>
        </message>
        <message>
            <source>导入手机备份…</source>
            <translation>Import phone backup…</translation>
        </message>
        <message>
            <source>导入手机备份（备份文件或文件夹）</source>
            <translation>Import a phone backup (files or a folder)</translation>
        </message>
        <message>
            <source>选择备份文件（通话记录、短信、录音）…</source>
            <translation>Choose backup files (call log, SMS, recordings)…</translation>
        </message>
        <message>
            <source>选择整个文件夹…</source>
            <translation>Choose a whole folder…</translation>
        </message>
        <message>
            <source>导出报告…</source>
            <translation>Export report…</translation>
        </message>
        <message>
            <source>导出报告为一个网页文件，可以发到家人群里</source>
            <translation>Export the report as one web page file to share in the family chat</translation>
        </message>
        <message>
            <source>数字一览</source>
            <translation>At a glance</translation>
        </message>
        <message>
            <source>可疑事件时间线</source>
            <translation>Timeline of risky events</translation>
        </message>
        <message>
            <source>每天的可疑事件图表</source>
            <translation>Chart of risky events per day</translation>
        </message>
        <message>
            <source>最可疑的号码</source>
            <translation>Most suspicious numbers</translation>
        </message>
        <message>
            <source>可疑短信和录音</source>
            <translation>Suspicious messages and recordings</translation>
        </message>
        <message>
            <source>接下来怎么做</source>
            <translation>What to do next</translation>
        </message>
        <message>
            <source>可疑录音</source>
            <translation>Suspicious recordings</translation>
        </message>
        <message>
            <source>把可疑号码 %1 加入黑名单（“名单”页面），也在手机上拉黑。</source>
            <translation>Add the suspicious number %1 to the block list (Lists page), and block it on the phone too.</translation>
        </message>
        <message>
            <source>（未指定家人的记录）</source>
            <translation>(records without a person)</translation>
        </message>
        <message>
            <source>本月</source>
            <translation>This month</translation>
        </message>
        <message>
            <source>上个月</source>
            <translation>Last month</translation>
        </message>
        <message>
            <source>跳过读不了的行，导入其余的</source>
            <translation>Skip the unreadable lines, import the rest</translation>
        </message>
        <message>
            <source>只导入这些文件里能读的行；读不了的行已在上面列出</source>
            <translation>Import only the readable lines of these files; the unreadable ones are listed above</translation>
        </message>
        <message>
            <source>给家人改名</source>
            <translation>Rename person</translation>
        </message>
        <message>
            <source>新的称呼：</source>
            <translation>New name:</translation>
        </message>
        <message>
            <source>还没有记录。先导入一位家人的手机备份。</source>
            <translation>Nothing recorded yet. Start by importing a phone backup.</translation>
        </message>
        <message numerus="yes">
            <source>这段时间发现 %n 个可疑的电话、短信或录音，请看下面的说明，并和家人聊一聊。</source>
            <translation>
                <numerusform>%n suspicious call, message or recording in this period; see below and talk it over with your parent.</numerusform>
                <numerusform>%n suspicious calls, messages or recordings in this period; see below and talk it over with your parent.</numerusform>
            </translation>
        </message>
        <message>
            <source>这段时间没有任何记录，所以什么也没有检查。请导入这段时间的手机备份，或换一段时间。</source>
            <translation>Nothing was recorded in this period, so nothing was checked. Import a phone backup of this period, or choose another period.</translation>
        </message>
        <message>
            <source>这段时间没有发现可疑的电话、短信或录音。</source>
            <translation>No suspicious calls, messages or recordings in this period.</translation>
        </message>
        <message>
            <source>检查的电话</source>
            <translation>Calls screened</translation>
        </message>
        <message>
            <source>可疑电话</source>
            <translation>Suspicious calls</translation>
        </message>
        <message>
            <source>应拦截的电话</source>
            <translation>Calls to block</translation>
        </message>
        <message>
            <source>检查的短信</source>
            <translation>SMS screened</translation>
        </message>
        <message>
            <source>可疑短信</source>
            <translation>Suspicious SMS</translation>
        </message>
        <message>
            <source>检查的录音</source>
            <translation>Recordings scanned</translation>
        </message>
        <message numerus="yes">
            <source>另有 %n 条没有列出（导出的报告里也只列前面这些）</source>
            <translation>
                <numerusform>%n more not listed (the exported report lists the same ones)</numerusform>
                <numerusform>%n more not listed (the exported report lists the same ones)</numerusform>
            </translation>
        </message>
        <message>
            <source>每天的可疑事件：</source>
            <translation>Risky events per day: </translation>
        </message>
        <message>
            <source>未知号码</source>
            <translation>unknown number</translation>
        </message>
        <message>
            <source>号码：</source>
            <translation>Number: </translation>
        </message>
        <message>
            <source>文件：</source>
            <translation>File: </translation>
        </message>
        <message>
            <source>诈骗类型：</source>
            <translation>Scheme: </translation>
        </message>
        <message>
            <source>证据：</source>
            <translation>Evidence:</translation>
        </message>
        <message>
            <source>线索：</source>
            <translation>Details: </translation>
        </message>
        <message>
            <source>把可疑号码加入黑名单（“名单”页面），也在手机上拉黑。</source>
            <translation>Add the suspicious numbers to the block list (Lists page) and block them on the phone too.</translation>
        </message>
        <message>
            <source>把这些可疑号码加入黑名单，也在手机上拉黑：%1（在“查号”页粘贴、查询后选中它们，点“加入名单”）。</source>
            <translation>Block these suspicious numbers, on the phone too: %1 (paste them on the “Check” page, check them, select them and click “Add to list”).</translation>
        </message>
        <message>
            <source>拿不准时，拨打 96110（全国反诈专线）问一问；已经转账的，马上打 110 报警。</source>
            <translation>When in doubt, call 96110 (the national anti-fraud line); if money was already sent, call 110 at once.</translation>
        </message>
        <message>
            <source>和家人聊一聊：不点短信里的链接，不加陌生人的 QQ/微信，不说验证码，不给任何人转账；有人自称公检法、客服或亲友要钱时，先挂断再打给本人核实。</source>
            <translation>Talk to your parent: no links from messages, no QQ/WeChat from strangers, never read out codes, never transfer money; if someone claims to be police, customer service or family and asks for money, hang up and call the person back.</translation>
        </message>
        <message>
            <source>选择手机备份</source>
            <translation>Choose a phone backup</translation>
        </message>
        <message>
            <source>手机备份 (%1);;所有文件 (*)</source>
            <translation>Phone backups (%1);;All files (*)</translation>
        </message>
        <message>
            <source>选择手机备份所在的文件夹</source>
            <translation>Choose the folder with the phone backup</translation>
        </message>
        <message>
            <source>正在导入手机备份…</source>
            <translation>Importing the phone backup…</translation>
        </message>
        <message numerus="yes">
            <source>已处理 %n 个文件：</source>
            <translation>
                <numerusform>%n file done: </numerusform>
                <numerusform>%n files done: </numerusform>
            </translation>
        </message>
        <message>
            <source>导入完成：</source>
            <translation>Import finished: </translation>
        </message>
        <message>
            <source>导入没有成功：</source>
            <translation>Import failed: </translation>
        </message>
        <message>
            <source>。</source>
            <translation>. </translation>
        </message>
        <message numerus="yes">
            <source>其中 %n 条可疑记录不在所选的时间里（比如更早）：要看它们，请把“时间”改成更长的范围或“指定日期…”。</source>
            <translation>
                <numerusform>%n of the suspicious records is outside the chosen period (earlier, say): to see it, choose a longer period or “Choose dates…” under “Period”.</numerusform>
                <numerusform>%n of the suspicious records are outside the chosen period (earlier, say): to see them, choose a longer period or “Choose dates…” under “Period”.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>……另有 %n 段录音也有提示</source>
            <translation>
                <numerusform>…and %n more recording has a warning</numerusform>
                <numerusform>…and %n more recordings have a warning</numerusform>
            </translation>
        </message>
        <message>
            <source>已取消导入；已经完成的文件保留，没完成的那个文件什么都没有导入。</source>
            <translation>Import cancelled; the files already finished are kept, nothing of the unfinished file was imported.</translation>
        </message>
        <message>
            <source>导出报告</source>
            <translation>Export report</translation>
        </message>
        <message>
            <source>网页文件 (*.html)</source>
            <translation>Web page (*.html)</translation>
        </message>
        <message>
            <source>报告已保存到：</source>
            <translation>Report saved to: </translation>
        </message>
        <message>
            <source>可以用手机或浏览器打开，发给家人。</source>
            <translation>Open it on a phone or in a browser, and share it with the family.</translation>
        </message>
    </context>
    <context>
        <name>FirstRunWizard</name>
        <message>
            <source>来电护盾 — 首次设置</source>
            <translation>CallShield — first-time setup</translation>
        </message>
        <message>
            <source>下一步</source>
            <translation>Next</translation>
        </message>
        <message>
            <source>上一步</source>
            <translation>Back</translation>
        </message>
        <message>
            <source>完成</source>
            <translation>Finish</translation>
        </message>
        <message>
            <source>以后再说</source>
            <translation>Later</translation>
        </message>
    </context>
    <context>
        <name>HighlightedTranscript</name>
        <message>
            <source>骗子也常用的词</source>
            <translation>a word scammers use too</translation>
        </message>
    </context>
    <context>
        <name>HistoryModel</name>
        <message>
            <source>时间</source>
            <translation>Time</translation>
        </message>
        <message>
            <source>类型</source>
            <translation>Type</translation>
        </message>
        <message>
            <source>号码 / 文件</source>
            <translation>Number / file</translation>
        </message>
        <message>
            <source>风险等级</source>
            <translation>Risk level</translation>
        </message>
        <message>
            <source>诈骗类型</source>
            <translation>Scam type</translation>
        </message>
        <message>
            <source>原因</source>
            <translation>Reasons</translation>
        </message>
        <message>
            <source>家人</source>
            <translation>Person</translation>
        </message>
    </context>
    <context>
        <name>HistoryPage</name>
        <message>
            <source>记录</source>
            <translation>History</translation>
        </message>
        <message>
            <source>全部时间</source>
            <translation>Any time</translation>
        </message>
        <message>
            <source>今天</source>
            <translation>Today</translation>
        </message>
        <message>
            <source>最近 7 天</source>
            <translation>Last 7 days</translation>
        </message>
        <message>
            <source>最近 30 天</source>
            <translation>Last 30 days</translation>
        </message>
        <message>
            <source>指定日期…</source>
            <translation>Choose dates…</translation>
        </message>
        <message>
            <source>时间范围</source>
            <translation>Time range</translation>
        </message>
        <message>
            <source>开始日期</source>
            <translation>Start date</translation>
        </message>
        <message>
            <source>结束日期</source>
            <translation>End date</translation>
        </message>
        <message>
            <source>至</source>
            <translation>to</translation>
        </message>
        <message>
            <source>所有来电、导入的短信和分析过的录音都记在这里。选中一行可以查看原因、短信或通话文字。</source>
            <translation>Every call, imported text message and analysed recording is listed here. Select a row to see the reasons and the message or what was said.</translation>
        </message>
        <message>
            <source>全部类型的记录</source>
            <translation>All kinds of records</translation>
        </message>
        <message>
            <source>只看来电</source>
            <translation>Calls only</translation>
        </message>
        <message>
            <source>只看短信</source>
            <translation>SMS only</translation>
        </message>
        <message>
            <source>只看录音</source>
            <translation>Recordings only</translation>
        </message>
        <message>
            <source>记录类型</source>
            <translation>Record type</translation>
        </message>
        <message>
            <source>全部等级</source>
            <translation>All levels</translation>
        </message>
        <message>
            <source>%1 及以上</source>
            <translation>%1 and above</translation>
        </message>
        <message>
            <source>按风险等级筛选</source>
            <translation>Filter by risk level</translation>
        </message>
        <message>
            <source>按诈骗类型筛选</source>
            <translation>Filter by fraud type</translation>
        </message>
        <message>
            <source>搜索号码、文件、原因或内容</source>
            <translation>Search numbers, files, reasons or content</translation>
        </message>
        <message>
            <source>搜索记录</source>
            <translation>Search history</translation>
        </message>
        <message>
            <source>刷新</source>
            <translation>Refresh</translation>
        </message>
        <message>
            <source>通话和录音记录</source>
            <translation>Calls and recordings</translation>
        </message>
        <message>
            <source>导出 CSV…</source>
            <translation>Export CSV…</translation>
        </message>
        <message>
            <source>家人和备注…</source>
            <translation>Person and note…</translation>
        </message>
        <message>
            <source>把选中的记录改到别的家人名下，或写备注</source>
            <translation>Move the selected record to another person, or write a note</translation>
        </message>
        <message>
            <source>删除这条记录…</source>
            <translation>Delete this record…</translation>
        </message>
        <message>
            <source>从“记录”里删除选中的这条记录</source>
            <translation>Delete the selected record from History</translation>
        </message>
        <message>
            <source>举报…</source>
            <translation>Report…</translation>
        </message>
        <message>
            <source>举报这条记录的来电号码（记在本机，可导出给志愿者中心）</source>
            <translation>Report the caller of this record (kept on this computer; can be exported for the volunteer centre)</translation>
        </message>
        <message>
            <source>导出 HTML 报告…</source>
            <translation>Export HTML report…</translation>
        </message>
        <message>
            <source>在表格中选中一条记录，这里会显示原因、通话文字和线索。</source>
            <translation>Select a record in the table to see its reasons, what was said and the clues.</translation>
        </message>
        <message>
            <source>通话文字（高亮处为可疑话术）：</source>
            <translation>What was said (suspicious phrases highlighted):</translation>
        </message>
        <message>
            <source>提取的线索（QQ群号、链接、账号等）：</source>
            <translation>Clues found (QQ groups, links, accounts…):</translation>
        </message>
        <message>
            <source>提取的线索</source>
            <translation>Clues found</translation>
        </message>
        <message>
            <source>所有家人</source>
            <translation>Everyone</translation>
        </message>
        <message>
            <source>本机来电（未指定家人）</source>
            <translation>This PC's calls (no person)</translation>
        </message>
        <message>
            <source>按家人筛选</source>
            <translation>Filter by person</translation>
        </message>
        <message>
            <source>全部类型</source>
            <translation>All types</translation>
        </message>
        <message>
            <source>显示 %1 条（共载入 %2 条）</source>
            <translation>Showing %1 (of %2 loaded)</translation>
        </message>
        <message numerus="yes">
            <source>；只载入了最新的 %n 条，请缩小时间范围</source>
            <translation>
                <numerusform>; only the newest %n was loaded, narrow the time range</numerusform>
                <numerusform>; only the newest %n were loaded, narrow the time range</numerusform>
            </translation>
        </message>
        <message>
            <source>删除记录</source>
            <translation>Delete record</translation>
        </message>
        <message>
            <source>确定从“记录”里删除这条记录（%1）吗？删除后不能恢复，家人报告里也不再算它。</source>
            <translation>Delete this record (%1) from History? It cannot be brought back, and the family report no longer counts it.</translation>
        </message>
        <message>
            <source>删除</source>
            <translation>Delete</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>已保存：这条记录现在属于“%1”。</source>
            <translation>Saved: this record now belongs to “%1”.</translation>
        </message>
        <message>
            <source>已保存：这条记录现在不属于哪位家人。</source>
            <translation>Saved: this record now belongs to nobody in the family.</translation>
        </message>
        <message>
            <source>已删除这条记录。</source>
            <translation>The record was deleted.</translation>
        </message>
        <message>
            <source>这条记录已经不在了。</source>
            <translation>That record is already gone.</translation>
        </message>
        <message>
            <source>聊天内容（高亮处为可疑话术）：</source>
            <translation>Chat text (suspicious phrases highlighted):</translation>
        </message>
        <message>
            <source>短信内容（高亮处为可疑话术）：</source>
            <translation>Message text (suspicious phrases highlighted):</translation>
        </message>
        <message numerus="yes">
            <source>……另有 %n 条原因（导出报告可看全部）</source>
            <translation>
                <numerusform>…and %n more reason (the exported report has them all)</numerusform>
                <numerusform>…and %n more reasons (the exported report has them all)</numerusform>
            </translation>
        </message>
        <message>
            <source>家人：%1</source>
            <translation>Person: %1</translation>
        </message>
        <message>
            <source>来源：</source>
            <translation>Source: </translation>
        </message>
        <message>
            <source>线路：</source>
            <translation>Line: </translation>
        </message>
        <message>
            <source>备注：</source>
            <translation>Note: </translation>
        </message>
        <message>
            <source>风险分：</source>
            <translation>Risk score: </translation>
        </message>
        <message>
            <source>HTML 报告 (*.html)</source>
            <translation>HTML report (*.html)</translation>
        </message>
        <message>
            <source>CSV 表格 (*.csv)</source>
            <translation>CSV table (*.csv)</translation>
        </message>
        <message>
            <source>导出记录</source>
            <translation>Export history</translation>
        </message>
        <message numerus="yes">
            <source>已导出 %n 条记录到：</source>
            <translation>
                <numerusform>Exported %n record to: </numerusform>
                <numerusform>Exported %n records to: </numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ImportPreviewDialog</name>
        <message>
            <source>导入预览</source>
            <translation>Import preview</translation>
        </message>
        <message>
            <source>文件“%1”：读取 %2 行，有效 %3 条，文件内重复 %4 条，错误 %5 行。（格式 %6，编码 %7）</source>
            <translation>File "%1": %2 lines read, %3 valid, %4 duplicates in the file, %5 lines with errors. (format %6, encoding %7)</translation>
        </message>
        <message>
            <source>有问题的行</source>
            <translation>Lines with problems</translation>
        </message>
        <message numerus="yes">
            <source>…还有 %n 行有问题</source>
            <translation>
                <numerusform>…and %n more line with problems</numerusform>
                <numerusform>…and %n more lines with problems</numerusform>
            </translation>
        </message>
        <message>
            <source>以下各行有问题。现在还没有写入任何内容：可以修改文件后重新导入，或跳过这些行只导入有效的条目。</source>
            <translation>These lines have problems. Nothing has been written yet: fix the file and import again, or skip these lines and import only the valid entries.</translation>
        </message>
        <message>
            <source>没有发现问题。确认后才会写入。</source>
            <translation>No problems found. Nothing is written until you confirm.</translation>
        </message>
        <message>
            <source>将要导入的条目（前 20 条）</source>
            <translation>Entries to import (first 20)</translation>
        </message>
        <message>
            <source>导入到名单</source>
            <translation>Import into list</translation>
        </message>
        <message>
            <source>新名单：%1</source>
            <translation>New list: %1</translation>
        </message>
        <message>
            <source>确实要把标为诈骗/骚扰的号码或号段（如 170*）放进白名单（通常不应这样做）</source>
            <translation>Yes, put numbers or ranges (such as 170*) marked fraud/harassment into the allowlist (usually you should not)</translation>
        </message>
        <message>
            <source>允许把诈骗/骚扰条目或号段导入白名单</source>
            <translation>Allow fraud/harassment entries or ranges into the allowlist</translation>
        </message>
        <message numerus="yes">
            <source>其中 %n 条标为诈骗/骚扰或是号段（如 %1）。白名单里的号码永远不会被拦截。</source>
            <translation>
                <numerusform>%n entry is marked fraud/harassment or is a number range (such as %1). Numbers on an allowlist are never blocked.</numerusform>
                <numerusform>%n entries are marked fraud/harassment or are number ranges (such as %1). Numbers on an allowlist are never blocked.</numerusform>
            </translation>
        </message>
        <message>
            <source>导入到：</source>
            <translation>Import into:</translation>
        </message>
        <message numerus="yes">
            <source>导入 %n 条</source>
            <translation>
                <numerusform>Import %n entry</numerusform>
                <numerusform>Import %n entries</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>跳过错误行，导入 %n 条</source>
            <translation>
                <numerusform>Skip bad lines, import %n entry</numerusform>
                <numerusform>Skip bad lines, import %n entries</numerusform>
            </translation>
        </message>
        <message>
            <source>取消，不导入</source>
            <translation>Cancel, import nothing</translation>
        </message>
        <message>
            <source>将要导入的条目（前 20 条）：</source>
            <translation>Entries to import (first 20):</translation>
        </message>
        <message numerus="yes">
            <source>没有导入：其中 %n 条标为诈骗/骚扰或是号段（如 %1），白名单里的号码永远不会被拦截。确实要这样做，请勾选下面这一项；否则换一个名单，或取消。</source>
            <translation>
                <numerusform>Not imported: %n entry is marked fraud/harassment or is a number range (such as %1), and numbers on an allowlist are never blocked. If you really mean it, tick the box below; otherwise pick another list, or cancel.</numerusform>
                <numerusform>Not imported: %n entries are marked fraud/harassment or are number ranges (such as %1), and numbers on an allowlist are never blocked. If you really mean it, tick the box below; otherwise pick another list, or cancel.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>LanguagePage</name>
        <message>
            <source>欢迎使用来电护盾</source>
            <translation>Welcome to CallShield</translation>
        </message>
        <message>
            <source>只需四步，一分钟内完成。以后都可以在“设置”里修改。</source>
            <translation>Four quick steps, under a minute. You can change everything later in Settings.</translation>
        </message>
        <message>
            <source>大字模式（文字放大 1.5 倍）</source>
            <translation>Large text (1.5× bigger)</translation>
        </message>
    </context>
    <context>
        <name>LevelFilterCombo</name>
        <message>
            <source>全部等级</source>
            <translation>All levels</translation>
        </message>
        <message>
            <source>%1 及以上</source>
            <translation>%1 and above</translation>
        </message>
        <message>
            <source>按风险等级筛选</source>
            <translation>Filter by risk level</translation>
        </message>
    </context>
    <context>
        <name>LineDevicesBox</name>
        <message>
            <source>请填写线路名称，和来电卡片上显示的一样（如 1、line2；NCID 没有线路名时是 -）。</source>
            <translation>Please enter the line's name exactly as the call card shows it (e.g. 1, line2; “-” when NCID gives no line name).</translation>
        </message>
        <message>
            <source>线路 %1 已经在表里了：选中它，改好后点“保存修改”。</source>
            <translation>Line %1 is already in the table: select it, change it and click “Save changes”.</translation>
        </message>
        <message>
            <source>已添加线路 %1。</source>
            <translation>Line %1 added.</translation>
        </message>
        <message>
            <source>已保存线路 %1。</source>
            <translation>Line %1 saved.</translation>
        </message>
        <message>
            <source>已移除线路 %1，它的来电改用上面的设备。</source>
            <translation>Line %1 removed; its calls use the devices above again.</translation>
        </message>
        <message>
            <source>请让这条线路的软电话或耳机放出声音、对着它的麦克风说话，两个音量条应该跳动。</source>
            <translation>Let this line's softphone or headset play sound and speak into its microphone: both level bars should move.</translation>
        </message>
        <message>
            <source>停止</source>
            <translation>Stop</translation>
        </message>
        <message>
            <source>检测这条线路的设备</source>
            <translation>Test this line's devices</translation>
        </message>
        <message>
            <source>对方</source>
            <translation>caller</translation>
        </message>
        <message>
            <source>我方</source>
            <translation>us</translation>
        </message>
        <message>
            <source>无法打开这条线路“%1”的设备：</source>
            <translation>Cannot open this line's “%1” device: </translation>
        </message>
        <message>
            <source>各线路的设备</source>
            <translation>Devices per line</translation>
        </message>
        <message>
            <source>一台电脑接几条线路时（如小型呼叫中心），每条线路可以用自己的“对方”和“我方”设备。线路名称要和来电卡片上显示的一样；表里没有的线路用上面的设备。这张表只管调制解调器和 NCID 线路：SIP 线路的通话直接从 baresip 自己的录音里听。</source>
            <translation>When one PC answers several lines (a small call centre, for example), each line can have its own “caller” and “us” devices. Name the line exactly as the call card shows it; lines not in the table use the devices above. The table applies to modem and NCID lines: SIP lines are heard from baresip's own recordings.</translation>
        </message>
        <message>
            <source>线路</source>
            <translation>Line</translation>
        </message>
        <message>
            <source>这条线路对方的声音设备</source>
            <translation>This line's caller sound device</translation>
        </message>
        <message>
            <source>我方（麦克风）</source>
            <translation>Us (microphone)</translation>
        </message>
        <message>
            <source>这条线路我方的麦克风</source>
            <translation>This line's microphone (us)</translation>
        </message>
        <message>
            <source>线路名称</source>
            <translation>Line name</translation>
        </message>
        <message>
            <source>对方（电话那头）</source>
            <translation>Caller (the other end)</translation>
        </message>
        <message>
            <source>如 1、line2、-</source>
            <translation>e.g. 1, line2, -</translation>
        </message>
        <message>
            <source>不用（我方设备听整通电话）</source>
            <translation>Not used (the “us” device hears the whole call)</translation>
        </message>
        <message>
            <source>系统默认设备</source>
            <translation>System default device</translation>
        </message>
        <message>
            <source>对方音量</source>
            <translation>Caller level</translation>
        </message>
        <message>
            <source>这条线路的对方音量</source>
            <translation>This line's caller level</translation>
        </message>
        <message>
            <source>我方音量</source>
            <translation>Our level</translation>
        </message>
        <message>
            <source>这条线路的我方音量</source>
            <translation>This line's level (us)</translation>
        </message>
        <message>
            <source>添加线路</source>
            <translation>Add line</translation>
        </message>
        <message>
            <source>保存修改</source>
            <translation>Save changes</translation>
        </message>
        <message>
            <source>移除</source>
            <translation>Remove</translation>
        </message>
    </context>
    <context>
        <name>ListEntriesModel</name>
        <message>
            <source>号码 / 规则</source>
            <translation>Number / pattern</translation>
        </message>
        <message>
            <source>类别</source>
            <translation>Category</translation>
        </message>
        <message>
            <source>备注</source>
            <translation>Note</translation>
        </message>
        <message>
            <source>来源</source>
            <translation>Source</translation>
        </message>
        <message>
            <source>添加时间</source>
            <translation>Added</translation>
        </message>
        <message>
            <source>命中次数</source>
            <translation>Hits</translation>
        </message>
        <message>
            <source>手动添加</source>
            <translation>added by hand</translation>
        </message>
        <message>
            <source>查号页</source>
            <translation>Check page</translation>
        </message>
        <message>
            <source>来电监控</source>
            <translation>Live calls</translation>
        </message>
        <message>
            <source>首次设置</source>
            <translation>first-run setup</translation>
        </message>
        <message>
            <source>导入：</source>
            <translation>imported: </translation>
        </message>
    </context>
    <context>
        <name>ListsModel</name>
        <message>
            <source>名单（勾选 = 启用）</source>
            <translation>List (ticked = on)</translation>
        </message>
        <message>
            <source>条目数</source>
            <translation>Entries</translation>
        </message>
        <message>
            <source>（订阅）</source>
            <translation> (subscribed)</translation>
        </message>
        <message>
            <source>可信名单（放行）：名单里的号码永远不会被标记</source>
            <translation>Allowlist: numbers on it are never flagged</translation>
        </message>
        <message>
            <source>拦截名单：名单里的号码来电时报警</source>
            <translation>Blocklist: calls from numbers on it raise an alert</translation>
        </message>
        <message>
            <source>订阅的社区名单：由发布者签名并自动更新，在“社区订阅”页管理</source>
            <translation>Subscribed community list: signed by its publisher and updated automatically; manage it on the “Subscriptions” tab</translation>
        </message>
        <message>
            <source>勾选表示启用此名单</source>
            <translation>Tick to turn this list on</translation>
        </message>
    </context>
    <context>
        <name>ListsPage</name>
        <message>
            <source>名单</source>
            <translation>Lists</translation>
        </message>
        <message>
            <source>拦截名单里的号码来电时会报警；可信名单（家人、熟人）里的号码永远不会被标记。勾选名单左侧的方框可以启用或停用整个名单。</source>
            <translation>Calls from numbers on a block list raise an alert; numbers on a trusted list (family, friends) are never flagged. Tick the box next to a list to turn the whole list on or off.</translation>
        </message>
        <message>
            <source>名单列表</source>
            <translation>Lists</translation>
        </message>
        <message>
            <source>名单中的号码</source>
            <translation>Numbers in the list</translation>
        </message>
        <message>
            <source>启用 / 停用名单</source>
            <translation>Turn list on / off</translation>
        </message>
        <message>
            <source>新建名单…</source>
            <translation>New list…</translation>
        </message>
        <message>
            <source>删除名单…</source>
            <translation>Delete list…</translation>
        </message>
        <message>
            <source>导入…</source>
            <translation>Import…</translation>
        </message>
        <message>
            <source>从文件导入号码（先预览）</source>
            <translation>Import numbers from a file (with a preview first)</translation>
        </message>
        <message>
            <source>导出…</source>
            <translation>Export…</translation>
        </message>
        <message>
            <source>把当前名单导出到文件</source>
            <translation>Export the current list to a file</translation>
        </message>
        <message>
            <source>搜索：</source>
            <translation>Search:</translation>
        </message>
        <message>
            <source>号码、备注或类别</source>
            <translation>Number, note or category</translation>
        </message>
        <message>
            <source>搜索名单</source>
            <translation>Search the list</translation>
        </message>
        <message>
            <source>搜索</source>
            <translation>Search</translation>
        </message>
        <message>
            <source>添加号码…</source>
            <translation>Add number…</translation>
        </message>
        <message>
            <source>编辑…</source>
            <translation>Edit…</translation>
        </message>
        <message>
            <source>删除</source>
            <translation>Delete</translation>
        </message>
        <message>
            <source>删除选中的号码</source>
            <translation>Delete the selected numbers</translation>
        </message>
        <message>
            <source>我的名单</source>
            <translation>My lists</translation>
        </message>
        <message>
            <source>社区订阅</source>
            <translation>Subscriptions</translation>
        </message>
        <message>
            <source>我的举报</source>
            <translation>My reports</translation>
        </message>
        <message>
            <source>删除名单</source>
            <translation>Delete list</translation>
        </message>
        <message>
            <source>确定删除名单“%1”及其中的全部号码吗？此操作不能撤销。</source>
            <translation>Delete the list "%1" and every number in it? This cannot be undone.</translation>
        </message>
        <message>
            <source>确定</source>
            <translation>OK</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>正在搜索…</source>
            <translation>Searching…</translation>
        </message>
        <message numerus="yes">
            <source>找到 %n 条</source>
            <translation>
                <numerusform>%n found</numerusform>
                <numerusform>%n found</numerusform>
            </translation>
        </message>
        <message>
            <source>显示前 %1 条，共 %2 条；用搜索查找其余的号码</source>
            <translation>Showing the first %1 of %2; use search to find the rest</translation>
        </message>
        <message numerus="yes">
            <source>共 %n 条</source>
            <translation>
                <numerusform>%n in total</numerusform>
                <numerusform>%n in total</numerusform>
            </translation>
        </message>
        <message>
            <source>已保存“%1”。</source>
            <translation>Saved "%1".</translation>
        </message>
        <message numerus="yes">
            <source>已删除 %n 条。</source>
            <translation>
                <numerusform>Deleted %n entry.</numerusform>
                <numerusform>Deleted %n entries.</numerusform>
            </translation>
        </message>
        <message>
            <source>删除号码</source>
            <translation>Delete numbers</translation>
        </message>
        <message numerus="yes">
            <source>确定从名单中删除选中的 %n 条吗？</source>
            <translation>
                <numerusform>Delete the selected entry from the list?</numerusform>
                <numerusform>Delete the %n selected entries from the list?</numerusform>
            </translation>
        </message>
        <message>
            <source>导入名单</source>
            <translation>Import list</translation>
        </message>
        <message>
            <source>名单文件 (*.csv *.txt *.json);;所有文件 (*)</source>
            <translation>List files (*.csv *.txt *.json);;All files (*)</translation>
        </message>
        <message>
            <source>正在检查文件…</source>
            <translation>Checking the file…</translation>
        </message>
        <message>
            <source>已取消导入，没有写入任何内容。</source>
            <translation>Import cancelled; nothing was written.</translation>
        </message>
        <message>
            <source>导入完成：新增 %1 条，已存在 %2 条，跳过错误行 %3 行。</source>
            <translation>Import done: %1 added, %2 already there, %3 bad lines skipped.</translation>
        </message>
        <message>
            <source>导出名单</source>
            <translation>Export list</translation>
        </message>
        <message>
            <source>CSV 表格 (*.csv);;文本文件，每行一个号码 (*.txt);;JSON (*.json)</source>
            <translation>CSV table (*.csv);;Text file, one number per line (*.txt);;JSON (*.json)</translation>
        </message>
        <message numerus="yes">
            <source>已导出 %n 条到：</source>
            <translation>
                <numerusform>Exported %n entry to: </numerusform>
                <numerusform>Exported %n entries to: </numerusform>
            </translation>
        </message>
        <message>
            <source>导入被拒绝，没有写入任何内容：</source>
            <translation>Import refused; nothing was written: </translation>
        </message>
        <message>
            <source>已启用</source>
            <translation>On</translation>
        </message>
        <message>
            <source>已停用</source>
            <translation>Off</translation>
        </message>
        <message>
            <source>可信名单</source>
            <translation>Trusted list</translation>
        </message>
        <message>
            <source>拦截名单</source>
            <translation>Block list</translation>
        </message>
        <message>
            <source>订阅名单（只读，由发布者更新）</source>
            <translation>subscribed list (read-only, updated by its publisher)</translation>
        </message>
        <message>
            <source>停用此名单</source>
            <translation>Turn this list off</translation>
        </message>
        <message>
            <source>启用此名单</source>
            <translation>Turn this list on</translation>
        </message>
    </context>
    <context>
        <name>LivePage</name>
        <message>
            <source>没有正在监听的来电。请先模拟一个来电。</source>
            <translation>No call is being monitored. Simulate a call first.</translation>
        </message>
        <message>
            <source>来电来源：</source>
            <translation>Call source: </translation>
        </message>
        <message>
            <source>来电来源：手动输入。可在“设置”里连接来电显示设备。</source>
            <translation>Call source: manual entry. Connect a caller-ID device in Settings.</translation>
        </message>
        <message>
            <source>来电监控</source>
            <translation>Live calls</translation>
        </message>
        <message>
            <source>模拟来电：</source>
            <translation>Simulate a call:</translation>
        </message>
        <message>
            <source>输入号码试一试，例如 95275012</source>
            <translation>Type a number to try, e.g. 95275012</translation>
        </message>
        <message>
            <source>模拟来电号码</source>
            <translation>Number for a simulated call</translation>
        </message>
        <message>
            <source>模拟来电</source>
            <translation>Simulate call</translation>
        </message>
        <message>
            <source>对方说：</source>
            <translation>Caller says:</translation>
        </message>
        <message>
            <source>输入对方说的话，例如：我是公安局的，你涉嫌洗钱</source>
            <translation>Type what the caller says in Chinese, e.g. 我是公安局的，你涉嫌洗钱 (CallShield reads Chinese only)</translation>
        </message>
        <message>
            <source>模拟通话内容</source>
            <translation>Simulated call text</translation>
        </message>
        <message>
            <source>加入通话内容</source>
            <translation>Add to the call</translation>
        </message>
        <message>
            <source>现在没有来电。
有电话打进来时，这里会显示号码、风险判断和通话内容。
也可以在下方输入号码模拟一个来电。</source>
            <translation>No calls right now.
When a call comes in, its number, risk and what is said appear here.
You can also type a number below to simulate a call.</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>来电监控</source>
            <translation>Live calls</translation>
        </message>
        <message>
            <source>查号</source>
            <translation>Check</translation>
        </message>
        <message>
            <source>录音分析</source>
            <translation>Recordings</translation>
        </message>
        <message>
            <source>名单</source>
            <translation>Lists</translation>
        </message>
        <message>
            <source>记录</source>
            <translation>History</translation>
        </message>
        <message>
            <source>家人报告</source>
            <translation>Family report</translation>
        </message>
        <message>
            <source>设置</source>
            <translation>Settings</translation>
        </message>
        <message>
            <source>来电护盾 CallShield</source>
            <translation>CallShield</translation>
        </message>
        <message>
            <source>页面导航</source>
            <translation>Page navigation</translation>
        </message>
        <message>
            <source>打开来电护盾</source>
            <translation>Open CallShield</translation>
        </message>
        <message>
            <source>退出（停止监听）</source>
            <translation>Quit (stop listening)</translation>
        </message>
        <message>
            <source>来电护盾正在监听：%1。
关闭后，来电和新录音都不会再检查，也不会提醒您。</source>
            <translation>CallShield is listening on: %1.
Once closed, calls and new recordings are no longer checked and you will not be warned.</translation>
        </message>
        <message>
            <source>、</source>
            <translation>, </translation>
        </message>
        <message>
            <source>还在监听来电</source>
            <translation>Still listening for calls</translation>
        </message>
        <message>
            <source>缩到托盘，继续监听</source>
            <translation>Keep listening in the tray</translation>
        </message>
        <message>
            <source>缩到托盘后，点托盘里的图标即可打开窗口。</source>
            <translation>In the tray, click the CallShield icon to open the window again.</translation>
        </message>
        <message>
            <source>退出并停止监听</source>
            <translation>Quit and stop listening</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>来电护盾仍在监听</source>
            <translation>CallShield is still listening</translation>
        </message>
        <message>
            <source>窗口已缩到托盘，来电仍会检查和提醒。</source>
            <translation>The window is in the tray; calls are still checked and you will still be warned.</translation>
        </message>
    </context>
    <context>
        <name>MarkDialog</name>
        <message>
            <source>标记这个来电</source>
            <translation>Mark this call</translation>
        </message>
        <message>
            <source>类别</source>
            <translation>Category</translation>
        </message>
        <message>
            <source>例如：自称银行客服，要求转账</source>
            <translation>e.g. claimed to be bank staff, asked for a transfer</translation>
        </message>
        <message>
            <source>备注</source>
            <translation>Note</translation>
        </message>
        <message>
            <source>同时拉黑</source>
            <translation>Also block</translation>
        </message>
        <message>
            <source>号码：</source>
            <translation>Number: </translation>
        </message>
        <message>
            <source>保存</source>
            <translation>Save</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
    </context>
    <context>
        <name>ModelPage</name>
        <message>
            <source>选择语音模型压缩包</source>
            <translation>Choose a speech model zip</translation>
        </message>
        <message>
            <source>模型压缩包 (*.zip)</source>
            <translation>Model archive (*.zip)</translation>
        </message>
        <message>
            <source>选择语音模型文件夹</source>
            <translation>Choose a speech model folder</translation>
        </message>
        <message>
            <source>语音模型已就绪。</source>
            <translation>The speech model is ready.</translation>
        </message>
        <message>
            <source>没有成功：</source>
            <translation>That did not work: </translation>
        </message>
        <message>
            <source>可以稍后在“设置”里再试。</source>
            <translation>You can try again later in Settings.</translation>
        </message>
        <message>
            <source>已有语音模型：%1</source>
            <translation>Speech model already there: %1</translation>
        </message>
        <message>
            <source>听懂通话内容（可选）</source>
            <translation>Understand what callers say (optional)</translation>
        </message>
        <message>
            <source>有了语音识别模型，来电护盾能听出电话和录音里的“安全账户”“验证码”等诈骗说法。没有它，照样能查号码、检查粘贴的短信和聊天。</source>
            <translation>With a speech model, CallShield hears scam wording such as “safe account” or “verification code” in calls and recordings. Without one it still checks numbers and pasted messages and chats.</translation>
        </message>
        <message>
            <source>先跳过（查号码、查短信照常可用）</source>
            <translation>Skip for now (checking numbers and messages still works)</translation>
        </message>
        <message>
            <source>模型约 40 MB，全部在本机运行，通话内容不会上传。</source>
            <translation>The model is about 40 MB and runs on this computer; nothing said on a call is uploaded.</translation>
        </message>
        <message>
            <source>现在下载（需要联网）</source>
            <translation>Download now (needs internet)</translation>
        </message>
        <message>
            <source>我已经有模型文件</source>
            <translation>I already have the model files</translation>
        </message>
        <message>
            <source>从压缩包导入…</source>
            <translation>Import from zip…</translation>
        </message>
        <message>
            <source>从文件夹导入…</source>
            <translation>Import from folder…</translation>
        </message>
    </context>
    <context>
        <name>ModelSection</name>
        <message>
            <source>语音识别组件未安装，只能按号码判断。</source>
            <translation>Speech recognition is not installed; only numbers are checked.</translation>
        </message>
        <message>
            <source>删除这个由本程序下载或导入的模型（例如误导入的非中文模型）；以后可以重新下载或导入。</source>
            <translation>Delete this model, which the app downloaded or imported (such as a non-Chinese model imported by mistake); you can download or import one again later.</translation>
        </message>
        <message>
            <source>只能删除本程序下载或导入的模型。</source>
            <translation>Only a model the app downloaded or imported can be deleted here.</translation>
        </message>
        <message>
            <source>删除语音模型</source>
            <translation>Delete the speech model</translation>
        </message>
        <message>
            <source>确定删除语音模型“%1”吗？会删除数据文件夹里的这份模型文件；以后可以重新下载或导入。</source>
            <translation>Delete the speech model “%1”? Its files in the data folder are deleted; you can download or import it again later.</translation>
        </message>
        <message>
            <source>删除</source>
            <translation>Delete</translation>
        </message>
        <message>
            <source>保留</source>
            <translation>Keep</translation>
        </message>
        <message>
            <source>正在删除模型…</source>
            <translation>Deleting the model…</translation>
        </message>
        <message>
            <source>已删除模型“%1”。</source>
            <translation>Deleted the model “%1”.</translation>
        </message>
        <message>
            <source>没有删除：</source>
            <translation>Not deleted: </translation>
        </message>
        <message>
            <source>选择语音模型压缩包</source>
            <translation>Choose a speech model zip</translation>
        </message>
        <message>
            <source>模型压缩包 (*.zip)</source>
            <translation>Model archive (*.zip)</translation>
        </message>
        <message>
            <source>选择语音模型文件夹</source>
            <translation>Choose a speech model folder</translation>
        </message>
        <message>
            <source>没有成功：</source>
            <translation>That did not work: </translation>
        </message>
        <message>
            <source>已取消。</source>
            <translation>Cancelled.</translation>
        </message>
        <message>
            <source>语音识别模型</source>
            <translation>Speech model</translation>
        </message>
        <message>
            <source>下载模型</source>
            <translation>Download model</translation>
        </message>
        <message>
            <source>从压缩包导入…</source>
            <translation>Import from zip…</translation>
        </message>
        <message>
            <source>从文件夹导入…</source>
            <translation>Import from folder…</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>删除此模型…</source>
            <translation>Delete this model…</translation>
        </message>
        <message>
            <source>下载地址</source>
            <translation>Download address</translation>
        </message>
        <message>
            <source>可选：填写国内镜像地址（留空则用官方地址）。无论从哪里下载，都会核对官方文件的 SHA-256，不符就不安装。</source>
            <translation>Optional: a mirror closer to you (leave empty for the official address). Wherever it comes from, the file is checked against the official SHA-256 and not installed if it differs.</translation>
        </message>
        <message>
            <source>模型下载地址</source>
            <translation>Model download address</translation>
        </message>
    </context>
    <context>
        <name>NewListDialog</name>
        <message>
            <source>新建名单</source>
            <translation>New list</translation>
        </message>
        <message>
            <source>名单名称</source>
            <translation>List name</translation>
        </message>
        <message>
            <source>✖ 拦截名单</source>
            <translation>✖ Block list</translation>
        </message>
        <message>
            <source>✔ 可信名单（放行）</source>
            <translation>✔ Trusted list (let through)</translation>
        </message>
        <message>
            <source>名单类型</source>
            <translation>List type</translation>
        </message>
        <message>
            <source>名称：</source>
            <translation>Name:</translation>
        </message>
        <message>
            <source>类型：</source>
            <translation>Type:</translation>
        </message>
        <message>
            <source>创建</source>
            <translation>Create</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
    </context>
    <context>
        <name>PersonName</name>
        <message>
            <source>添加家人</source>
            <translation>Add a person</translation>
        </message>
        <message>
            <source>这位家人的称呼（例如：妈妈的手机）：</source>
            <translation>What to call this person (e.g. Mum's phone):</translation>
        </message>
    </context>
    <context>
        <name>PlaceholderPage</name>
        <message>
            <source>“%1”页面暂时不可用。其他功能可以照常使用。</source>
            <translation>The "%1" page is not available right now. Everything else works as usual.</translation>
        </message>
    </context>
    <context>
        <name>RecordEditDialog</name>
        <message>
            <source>家人和备注</source>
            <translation>Person and note</translation>
        </message>
        <message>
            <source>（不指定）</source>
            <translation>(nobody in particular)</translation>
        </message>
        <message>
            <source>这条记录属于哪位家人</source>
            <translation>Which person this record belongs to</translation>
        </message>
        <message>
            <source>例如：妈妈说已经挂断，没有回拨</source>
            <translation>e.g. Mum says she hung up and did not call back</translation>
        </message>
        <message>
            <source>备注</source>
            <translation>Note</translation>
        </message>
        <message>
            <source>添加家人…</source>
            <translation>Add person…</translation>
        </message>
        <message>
            <source>这条记录</source>
            <translation>Record</translation>
        </message>
        <message>
            <source>家人</source>
            <translation>Person</translation>
        </message>
        <message>
            <source>保存</source>
            <translation>Save</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
    </context>
    <context>
        <name>RecordingResultsModel</name>
        <message>
            <source>文件</source>
            <translation>File</translation>
        </message>
        <message>
            <source>状态</source>
            <translation>Status</translation>
        </message>
        <message>
            <source>风险等级</source>
            <translation>Risk level</translation>
        </message>
        <message>
            <source>风险分</source>
            <translation>Risk score</translation>
        </message>
        <message>
            <source>诈骗类型</source>
            <translation>Scam type</translation>
        </message>
        <message>
            <source>证据</source>
            <translation>Evidence</translation>
        </message>
    </context>
    <context>
        <name>RecordingsPage</name>
        <message>
            <source>录音分析</source>
            <translation>Recordings</translation>
        </message>
        <message>
            <source>选择通话录音文件或整个文件夹（WAV、MP3、M4A、AMR 等），程序会把语音转成文字，找出诈骗话术，并提取 QQ 群号、链接、账号等线索。分析全部在本机完成，不会上传。</source>
            <translation>Choose call recordings or a whole folder (WAV, MP3, M4A, AMR…). CallShield turns the speech into text, finds scam phrases and pulls out clues such as QQ groups, links and accounts. Everything runs on this computer; nothing is uploaded.</translation>
        </message>
        <message>
            <source>打开“设置”</source>
            <translation>Open Settings</translation>
        </message>
        <message>
            <source>打开设置页面，下载或导入语音模型</source>
            <translation>Open Settings to download or import a speech model</translation>
        </message>
        <message>
            <source>选择录音文件…</source>
            <translation>Choose recordings…</translation>
        </message>
        <message>
            <source>选择文件夹…</source>
            <translation>Choose folder…</translation>
        </message>
        <message>
            <source>开始分析</source>
            <translation>Start analysis</translation>
        </message>
        <message>
            <source>清空列表</source>
            <translation>Clear list</translation>
        </message>
        <message>
            <source>重新分析以前分析过的文件</source>
            <translation>Analyse files again even if done before</translation>
        </message>
        <message>
            <source>筛选：</source>
            <translation>Filter:</translation>
        </message>
        <message>
            <source>文件名、类型或证据</source>
            <translation>File name, type or evidence</translation>
        </message>
        <message>
            <source>筛选分析结果</source>
            <translation>Filter results</translation>
        </message>
        <message>
            <source>导出 CSV…</source>
            <translation>Export CSV…</translation>
        </message>
        <message>
            <source>导出 HTML 报告…</source>
            <translation>Export HTML report…</translation>
        </message>
        <message>
            <source>录音分析结果</source>
            <translation>Recording results</translation>
        </message>
        <message>
            <source>在左边的表格中选中一个文件，这里会显示它的转写文字、证据和线索。</source>
            <translation>Select a file in the table on the left to see its transcript, evidence and clues.</translation>
        </message>
        <message>
            <source>转写文字（高亮处为可疑话术）：</source>
            <translation>Transcript (suspicious phrases highlighted):</translation>
        </message>
        <message>
            <source>录音转写文字</source>
            <translation>Recording transcript</translation>
        </message>
        <message>
            <source>证据：</source>
            <translation>Evidence:</translation>
        </message>
        <message>
            <source>命中的诈骗话术</source>
            <translation>Scam phrases found</translation>
        </message>
        <message>
            <source>提取的线索（QQ群号、链接、账号等）：</source>
            <translation>Clues found (QQ groups, links, accounts…):</translation>
        </message>
        <message>
            <source>提取的线索</source>
            <translation>Clues found</translation>
        </message>
        <message>
            <source>还没有可用的语音识别模型，所以暂时不能分析录音。</source>
            <translation>There is no speech model yet, so recordings cannot be analysed.</translation>
        </message>
        <message>
            <source>请到“设置”页下载或导入中文语音模型。查号等其他功能不受影响。</source>
            <translation>Download or import a Mandarin speech model on the Settings page. Checking numbers and everything else still works.</translation>
        </message>
        <message>
            <source>语音模型：</source>
            <translation>Speech model: </translation>
        </message>
        <message>
            <source>选择录音文件</source>
            <translation>Choose recordings</translation>
        </message>
        <message>
            <source>录音文件 (%1);;所有文件 (*)</source>
            <translation>Recordings (%1);;All files (*)</translation>
        </message>
        <message>
            <source>选择录音所在的文件夹</source>
            <translation>Choose the folder with the recordings</translation>
        </message>
        <message>
            <source>没有找到录音文件。</source>
            <translation>No recordings found.</translation>
        </message>
        <message>
            <source>请先选择录音文件或文件夹。</source>
            <translation>Choose recordings or a folder first.</translation>
        </message>
        <message numerus="yes">
            <source>正在分析 %n 个录音…</source>
            <translation>
                <numerusform>Analysing %n recording…</numerusform>
                <numerusform>Analysing %n recordings…</numerusform>
            </translation>
        </message>
        <message>
            <source>已分析 %1 / %2</source>
            <translation>Analysed %1 / %2</translation>
        </message>
        <message numerus="yes">
            <source>……另有 %n 条，见下方“证据”</source>
            <translation>
                <numerusform>…and %n more, see “Evidence” below</numerusform>
                <numerusform>…and %n more, see “Evidence” below</numerusform>
            </translation>
        </message>
        <message>
            <source>（没有命中诈骗话术）</source>
            <translation>(no scam phrases found)</translation>
        </message>
        <message>
            <source>（没有提取到线索）</source>
            <translation>(no clues found)</translation>
        </message>
        <message numerus="yes">
            <source>共 %n 个文件：</source>
            <translation>
                <numerusform>%n file: </numerusform>
                <numerusform>%n files: </numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>其中 %n 个有诈骗风险（警告或拦截）</source>
            <translation>
                <numerusform>%n with fraud risk (warning or block)</numerusform>
                <numerusform>%n with fraud risk (warning or block)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n 个转写出的文字不是中文，没能检查（语音模型可能不是中文模型）</source>
            <translation>
                <numerusform>%n was transcribed as hardly Chinese and could not be checked (the speech model may not be a Chinese one)</numerusform>
                <numerusform>%n were transcribed as hardly Chinese and could not be checked (the speech model may not be a Chinese one)</numerusform>
            </translation>
        </message>
        <message>
            <source>HTML 报告 (*.html)</source>
            <translation>HTML report (*.html)</translation>
        </message>
        <message>
            <source>CSV 表格 (*.csv)</source>
            <translation>CSV table (*.csv)</translation>
        </message>
        <message>
            <source>导出分析结果</source>
            <translation>Export results</translation>
        </message>
        <message numerus="yes">
            <source>已导出 %n 个文件的结果到：</source>
            <translation>
                <numerusform>Exported the results of %n file to: </numerusform>
                <numerusform>Exported the results of %n files to: </numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ReportDialog</name>
        <message>
            <source>举报这个号码</source>
            <translation>Report this number</translation>
        </message>
        <message>
            <source>号码</source>
            <translation>Number</translation>
        </message>
        <message>
            <source>类别</source>
            <translation>Category</translation>
        </message>
        <message>
            <source>例如：自称银行客服，要求转账</source>
            <translation>e.g. claimed to be bank staff, asked for a transfer</translation>
        </message>
        <message>
            <source>备注（可不填）</source>
            <translation>Note (optional)</translation>
        </message>
        <message>
            <source>举报只记在本机。导出给志愿者中心时才会分享，导出前会完整显示要分享的内容。</source>
            <translation>Reports stay on this computer. They are shared only when you export them for the volunteer centre, and the export shows everything it will share first.</translation>
        </message>
        <message>
            <source>号码：</source>
            <translation>Number: </translation>
        </message>
        <message>
            <source>类别：</source>
            <translation>Category:</translation>
        </message>
        <message>
            <source>备注：</source>
            <translation>Note: </translation>
        </message>
        <message>
            <source>举报</source>
            <translation>Report</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>请填写号码。</source>
            <translation>Please enter a number.</translation>
        </message>
    </context>
    <context>
        <name>ReportsModel</name>
        <message>
            <source>时间</source>
            <translation>Time</translation>
        </message>
        <message>
            <source>号码</source>
            <translation>Number</translation>
        </message>
        <message>
            <source>类别</source>
            <translation>Category</translation>
        </message>
        <message>
            <source>备注</source>
            <translation>Note</translation>
        </message>
    </context>
    <context>
        <name>ReportsPanel</name>
        <message>
            <source>已记录举报：</source>
            <translation>Report recorded: </translation>
        </message>
        <message>
            <source>在来电监控、查号或记录页按“举报…”记下的号码。导出后把文件交给志愿者中心，他们汇总多户的举报后更新社区名单。</source>
            <translation>Numbers you reported with “Report…” on the Live, Check or History page. Export them and give the file to your volunteer centre; they pool reports from many households and update the community list.</translation>
        </message>
        <message>
            <source>我的举报</source>
            <translation>My reports</translation>
        </message>
        <message>
            <source>举报号码…</source>
            <translation>Report a number…</translation>
        </message>
        <message>
            <source>导出给志愿者中心…</source>
            <translation>Export for the volunteer centre…</translation>
        </message>
        <message>
            <source>导出举报（先显示要分享的内容）</source>
            <translation>Export reports (shows what will be shared first)</translation>
        </message>
        <message numerus="yes">
            <source>已导出 %n 条举报到：</source>
            <translation>
                <numerusform>Exported %n report to: </numerusform>
                <numerusform>Exported %n reports to: </numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>SettingsPage</name>
        <message>
            <source>设置</source>
            <translation>Settings</translation>
        </message>
    </context>
    <context>
        <name>SourceNotice</name>
        <message>
            <source>来电来源断开了，来电现在不会被检查</source>
            <translation>The call source is disconnected: calls are not being checked now</translation>
        </message>
        <message>
            <source>检查来电来源</source>
            <translation>Check the call source</translation>
        </message>
    </context>
    <context>
        <name>SourcePage</name>
        <message>
            <source>请填写 SIP 服务器和用户名，或者先选第一项。</source>
            <translation>Please enter the SIP server and user name, or choose the first option for now.</translation>
        </message>
        <message>
            <source>SIP 设置里有不能用的字符（换行、分号、空格或尖括号），请修改</source>
            <translation>The SIP settings contain a character that cannot be used (line break, semicolon, space or angle bracket); please change it</translation>
        </message>
        <message>
            <source>来电从哪里来</source>
            <translation>Where calls come from</translation>
        </message>
        <message>
            <source>选择来电护盾怎样得知有电话打进来。</source>
            <translation>Choose how CallShield learns that a call is coming in.</translation>
        </message>
        <message>
            <source>先不接设备（在“来电监控”里手动输入号码）</source>
            <translation>No device for now (type numbers on the Live calls page)</translation>
        </message>
        <message>
            <source>座机：来电显示调制解调器（USB）</source>
            <translation>Landline: caller-ID modem (USB)</translation>
        </message>
        <message>
            <source>NCID 来电显示服务器（呼叫中心、交换机）</source>
            <translation>NCID caller-ID server (call centre, PBX)</translation>
        </message>
        <message>
            <source>网络电话：SIP 线路（需要安装 baresip）</source>
            <translation>Internet phone: a SIP line (needs baresip installed)</translation>
        </message>
        <message>
            <source>SIP 服务器</source>
            <translation>SIP server</translation>
        </message>
        <message>
            <source>用户名（分机号）</source>
            <translation>User name (extension)</translation>
        </message>
        <message>
            <source>密码</source>
            <translation>Password</translation>
        </message>
        <message>
            <source>例如 sip.example.com 或 192.168.1.10:5060</source>
            <translation>e.g. sip.example.com or 192.168.1.10:5060</translation>
        </message>
        <message>
            <source>不确定就选第一项。接好设备后可以在“设置”里更改；SIP 线路可在“设置”里点“测试”检查。</source>
            <translation>If unsure, choose the first option. You can change it in Settings once a device is connected; a SIP line can be checked with “Test” in Settings.</translation>
        </message>
        <message>
            <source>家人用的是手机？手机不用接线：以后在“家人报告”页为他建一份档案，导入手机的备份（短信、通话记录），在“设置 → 手机录音文件夹”里选上同步通话录音的文件夹，来电护盾就会一起检查。</source>
            <translation>Is your relative on a mobile phone? No line is needed: later, on the Family report page, make a profile for them and import the phone's backup (texts, call log), and in Settings → Watched recording folders choose the folder their call recordings sync to; CallShield checks them too.</translation>
        </message>
    </context>
    <context>
        <name>SubscribeDialog</name>
        <message>
            <source>订阅社区名单</source>
            <translation>Subscribe to a community list</translation>
        </message>
        <message>
            <source>填写志愿者中心给的名单地址，或选择 U 盘上的名单文件夹 / zip 文件，再选择发布者给的公钥文件（.pub）。每次更新都会用这个公钥核对签名，别人无法冒充发布者。</source>
            <translation>Enter the list address your volunteer centre gave you, or choose the list folder / zip file on a USB stick, then choose the publisher's public key file (.pub). Every update is checked against this key, so nobody can pose as the publisher.</translation>
        </message>
        <message>
            <source>名单地址、文件夹或 zip</source>
            <translation>List address, folder or zip</translation>
        </message>
        <message>
            <source>文件夹…</source>
            <translation>Folder…</translation>
        </message>
        <message>
            <source>选择名单文件夹</source>
            <translation>Choose the list folder</translation>
        </message>
        <message>
            <source>zip 文件…</source>
            <translation>Zip file…</translation>
        </message>
        <message>
            <source>选择名单 zip 文件</source>
            <translation>Choose the list zip file</translation>
        </message>
        <message>
            <source>发布者的公钥文件</source>
            <translation>The publisher's public key file</translation>
        </message>
        <message>
            <source>选择…</source>
            <translation>Choose…</translation>
        </message>
        <message>
            <source>选择公钥文件</source>
            <translation>Choose the public key file</translation>
        </message>
        <message>
            <source>可不填（用名单自带的名称）</source>
            <translation>Optional (the list's own name by default)</translation>
        </message>
        <message>
            <source>在本机的名单名（可不填）</source>
            <translation>Local list name (optional)</translation>
        </message>
        <message>
            <source>名单地址：</source>
            <translation>List address:</translation>
        </message>
        <message>
            <source>公钥文件：</source>
            <translation>Public key file:</translation>
        </message>
        <message>
            <source>名称：</source>
            <translation>Name:</translation>
        </message>
        <message>
            <source>订阅</source>
            <translation>Subscribe</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>zip 文件 (*.zip)</source>
            <translation>Zip files (*.zip)</translation>
        </message>
        <message>
            <source>公钥 (*.pub);;所有文件 (*)</source>
            <translation>Public keys (*.pub);;All files (*)</translation>
        </message>
        <message>
            <source>请填写名单地址，或选择 U 盘上的名单文件夹或 zip 文件。</source>
            <translation>Please enter the list address, or choose the list folder or zip file on a USB stick.</translation>
        </message>
        <message>
            <source>请选择发布者给的公钥文件（.pub）。</source>
            <translation>Please choose the public key file (.pub) from the publisher.</translation>
        </message>
        <message>
            <source>正在下载并核对签名…</source>
            <translation>Downloading and checking the signature…</translation>
        </message>
    </context>
    <context>
        <name>SubscriptionsModel</name>
        <message>
            <source>订阅的名单</source>
            <translation>Subscribed lists</translation>
        </message>
        <message>
            <source>状态</source>
            <translation>Status</translation>
        </message>
        <message>
            <source>条目</source>
            <translation>Entries</translation>
        </message>
        <message>
            <source>上次更新</source>
            <translation>Last update</translation>
        </message>
        <message>
            <source>版本</source>
            <translation>Serial</translation>
        </message>
        <message>
            <source>发布者</source>
            <translation>Publisher</translation>
        </message>
        <message>
            <source>公钥指纹</source>
            <translation>Key fingerprint</translation>
        </message>
        <message>
            <source>通配 %1 / 号段 %2</source>
            <translation>wildcards %1 / prefixes %2</translation>
        </message>
        <message>
            <source>（未署名）</source>
            <translation>(unnamed)</translation>
        </message>
        <message>
            <source>从未</source>
            <translation>never</translation>
        </message>
        <message>
            <source>此名单含通配或号段规则，会拦截整段号码（官方号码和您的白名单不受影响）</source>
            <translation>This list has wildcard or prefix rules that block whole ranges of numbers (official numbers and your allowlist are not affected)</translation>
        </message>
    </context>
    <context>
        <name>SubscriptionsPanel</name>
        <message>
            <source>订阅志愿者中心、居委会发布的签名名单，本机会按名单的有效期自动更新。每次更新都核对发布者的签名；任何一步出错都继续使用上一版，并在这里说明原因。</source>
            <translation>Subscribe to signed lists published by volunteer centres or residents' committees; this computer updates them on their own schedule. Every update checks the publisher's signature; if any step fails, the last good list stays in use and the reason is shown here.</translation>
        </message>
        <message>
            <source>订阅的名单</source>
            <translation>Subscribed lists</translation>
        </message>
        <message>
            <source>订阅…</source>
            <translation>Subscribe…</translation>
        </message>
        <message>
            <source>订阅社区名单（网址、文件夹或 zip）</source>
            <translation>Subscribe to a community list (address, folder or zip)</translation>
        </message>
        <message>
            <source>立即更新</source>
            <translation>Update now</translation>
        </message>
        <message>
            <source>立即检查选中订阅的新版本</source>
            <translation>Check the selected subscription for a new version now</translation>
        </message>
        <message>
            <source>取消订阅…</source>
            <translation>Unsubscribe…</translation>
        </message>
        <message>
            <source>取消选中的订阅并删除其号码</source>
            <translation>Unsubscribe the selected list and delete its numbers</translation>
        </message>
        <message>
            <source>还没有订阅任何名单。</source>
            <translation>No subscriptions yet.</translation>
        </message>
        <message>
            <source>来源：</source>
            <translation>Source: </translation>
        </message>
        <message>
            <source>公钥指纹：</source>
            <translation>Key fingerprint: </translation>
        </message>
        <message>
            <source>有效期至：</source>
            <translation>Valid until: </translation>
        </message>
        <message>
            <source>下次自动检查：</source>
            <translation>Next automatic check: </translation>
        </message>
        <message>
            <source>此名单含 %1 条号段规则和 %2 条通配规则，会拦截整段号码（官方号码和您的白名单不受影响）</source>
            <translation>This list has %1 prefix rules and %2 wildcard rules that block whole ranges of numbers (official numbers and your allowlist are not affected)</translation>
        </message>
        <message>
            <source>上次更新失败：</source>
            <translation>The last update failed: </translation>
        </message>
        <message>
            <source>继续使用上一版（版本 %1，%2 条）</source>
            <translation>the last good list stays in force (serial %1, %2 entries)</translation>
        </message>
        <message>
            <source>已到时间（程序运行时会自动检查）</source>
            <translation>due (checked automatically while the app runs)</translation>
        </message>
        <message>
            <source>已订阅“%1”：版本 %2，%3 条。</source>
            <translation>Subscribed to “%1”: serial %2, %3 entries.</translation>
        </message>
        <message>
            <source>正在检查新版本…</source>
            <translation>Checking for a new version…</translation>
        </message>
        <message>
            <source>正在后台检查更新，请稍等片刻再试。</source>
            <translation>An update is running in the background; please try again in a moment.</translation>
        </message>
        <message>
            <source>增量</source>
            <translation>delta</translation>
        </message>
        <message>
            <source>完整名单</source>
            <translation>full list</translation>
        </message>
        <message>
            <source>“%1”已更新到版本 %2（%3，+%4 −%5），共 %6 条</source>
            <translation>“%1” updated to serial %2 (%3, +%4 −%5), %6 entries</translation>
        </message>
        <message>
            <source>“%1”已是最新（版本 %2，%3 条）</source>
            <translation>“%1” is up to date (serial %2, %3 entries)</translation>
        </message>
        <message>
            <source>但名单已过期（仍在使用），请联系发布者</source>
            <translation>but the list has expired (still in use); please contact the publisher</translation>
        </message>
        <message>
            <source>“%1”更新失败：%2</source>
            <translation>“%1”: update failed: %2</translation>
        </message>
        <message>
            <source>取消订阅</source>
            <translation>Unsubscribe</translation>
        </message>
        <message>
            <source>确定取消订阅“%1”吗？它的 %2 个号码会从本机删除，以后也不再更新。</source>
            <translation>Unsubscribe from “%1”? Its %2 numbers will be deleted from this computer and it will no longer be updated.</translation>
        </message>
        <message>
            <source>保留</source>
            <translation>Keep</translation>
        </message>
        <message>
            <source>已取消订阅“%1”。</source>
            <translation>Unsubscribed from “%1”.</translation>
        </message>
        <message>
            <source>订阅的名单“%1”已过期（仍在使用）：发布者可能已停止更新，请联系发布者。</source>
            <translation>The subscribed list “%1” has expired (still in use): the publisher may have stopped updating it; please contact the publisher.</translation>
        </message>
        <message>
            <source>订阅的名单“%1”更新失败（仍用上一版）：%2</source>
            <translation>The subscribed list “%1” could not be updated (the last good list is in use): %2</translation>
        </message>
    </context>
    <context>
        <name>TaskProgress</name>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>取消当前任务</source>
            <translation>Cancel the current task</translation>
        </message>
        <message>
            <source>进度</source>
            <translation>Progress</translation>
        </message>
        <message>
            <source>正在取消…</source>
            <translation>Cancelling…</translation>
        </message>
    </context>
    <context>
        <name>TextResultSection</name>
        <message>
            <source>逐条检查</source>
            <translation>Check one by one</translation>
        </message>
        <message>
            <source>把粘贴的几条短信分开，一条一条地检查</source>
            <translation>Split the pasted messages and check each on its own</translation>
        </message>
        <message>
            <source>逐条检查的结果（点一条看它的详情）：</source>
            <translation>Each message on its own (click one for its details):</translation>
        </message>
        <message>
            <source>逐条检查的结果</source>
            <translation>Each message on its own</translation>
        </message>
        <message>
            <source>文字（高亮处为可疑话术）：</source>
            <translation>Text (suspicious wording highlighted):</translation>
        </message>
        <message>
            <source>提取的线索（链接、QQ/微信号、账号等）：</source>
            <translation>Clues found (links, QQ/WeChat IDs, account numbers…):</translation>
        </message>
        <message>
            <source>提取的线索</source>
            <translation>Clues found</translation>
        </message>
        <message>
            <source>家人：</source>
            <translation>Person: </translation>
        </message>
        <message>
            <source>这条短信是哪位家人收到的</source>
            <translation>Which family member received this message</translation>
        </message>
        <message>
            <source>（不指定）</source>
            <translation>(nobody in particular)</translation>
        </message>
        <message>
            <source>添加家人…</source>
            <translation>Add person…</translation>
        </message>
        <message>
            <source>添加家人</source>
            <translation>Add a person</translation>
        </message>
        <message>
            <source>发信号码：</source>
            <translation>Sender:</translation>
        </message>
        <message>
            <source>可不填，如 10690000123</source>
            <translation>Optional, such as 10690000123</translation>
        </message>
        <message>
            <source>这条消息是哪个号码发来的</source>
            <translation>The number this message came from</translation>
        </message>
        <message>
            <source>备注：</source>
            <translation>Note: </translation>
        </message>
        <message>
            <source>可不填，如 老人没有转账</source>
            <translation>Optional, such as: she did not transfer any money</translation>
        </message>
        <message>
            <source>备注，和消息一起存入记录</source>
            <translation>A note, kept in History with the message</translation>
        </message>
        <message>
            <source>存入记录</source>
            <translation>Save to history</translation>
        </message>
        <message>
            <source>把这条短信和检查结果存入“记录”页</source>
            <translation>Save this message and its result on the History page</translation>
        </message>
        <message>
            <source>%1 文字里的号码有风险：%2。请看下面的号码表。</source>
            <translation>%1 a number in the text is risky: %2. See the numbers table below.</translation>
        </message>
        <message>
            <source>（自动判断的；不对请在上面的“内容”里选）</source>
            <translation> (detected automatically; if that is wrong, choose under “Content” above)</translation>
        </message>
        <message>
            <source>按“%1”检查</source>
            <translation>Checked as: %1</translation>
        </message>
        <message>
            <source>⚠ 这里好像有 %1 条短信，上面的结论是把它们合在一起读的。点“逐条检查”分别看每一条。</source>
            <translation>⚠ This seems to hold %1 messages, and the verdict above reads them as one. Click “Check one by one” to see each.</translation>
        </message>
        <message>
            <source>发信号码只能有数字（以及 +、空格、-），如 10690000123</source>
            <translation>The sender can only hold digits (and +, spaces, -), such as 10690000123</translation>
        </message>
        <message>
            <source>检查的文字</source>
            <translation>Checked text</translation>
        </message>
        <message>
            <source>已存入“记录”页的短信，家人：%1。</source>
            <translation>Saved on the History page as a text message of %1.</translation>
        </message>
        <message>
            <source>已存入“记录”页的短信。</source>
            <translation>Saved on the History page as a text message.</translation>
        </message>
    </context>
    <context>
        <name>UsTranscriptPane</name>
        <message>
            <source>我方说的话（仅作参考，不参与评分）</source>
            <translation>What we said — context only, not scored</translation>
        </message>
        <message>
            <source>我方通话文字</source>
            <translation>Our transcript</translation>
        </message>
    </context>
    <context>
        <name>WatchedFoldersSection</name>
        <message>
            <source>找不到（U 盘拔出或网络盘断开？）</source>
            <translation>Missing (USB stick unplugged or network drive offline?)</translation>
        </message>
        <message>
            <source>找不到文件夹 %1；它回来后会自动继续监视。</source>
            <translation>Cannot find the folder %1; watching resumes when it is back.</translation>
        </message>
        <message>
            <source>有问题，见下方</source>
            <translation>Problem, see below</translation>
        </message>
        <message>
            <source>正在监视</source>
            <translation>Watching</translation>
        </message>
        <message>
            <source>未在监视</source>
            <translation>Not watched</translation>
        </message>
        <message>
            <source>（未指定）</source>
            <translation>(nobody)</translation>
        </message>
        <message>
            <source>是</source>
            <translation>Yes</translation>
        </message>
        <message>
            <source>否</source>
            <translation>No</translation>
        </message>
        <message>
            <source>选择手机同步录音的文件夹</source>
            <translation>Choose the folder the phone syncs its recordings to</translation>
        </message>
        <message>
            <source>手机录音文件夹</source>
            <translation>Watched recording folders</translation>
        </message>
        <message>
            <source>让手机把通话录音同步到电脑上的文件夹（Syncthing、U 盘复制或手机厂商的电脑助手），来电护盾会自动检查每个新录音；发现诈骗话术时照常提醒，开启了邮件提醒的也会发邮件给家人。</source>
            <translation>Let the phone sync its call recordings into a folder on this PC (Syncthing, a USB copy or the vendor's PC suite): CallShield checks each new recording by itself, alerts as usual when it hears a scam script, and e-mails the family when e-mail alerts are on.</translation>
        </message>
        <message>
            <source>文件夹</source>
            <translation>Folder</translation>
        </message>
        <message>
            <source>家人</source>
            <translation>Person</translation>
        </message>
        <message>
            <source>网络盘</source>
            <translation>Network drive</translation>
        </message>
        <message>
            <source>状态</source>
            <translation>Status</translation>
        </message>
        <message>
            <source>监视的录音文件夹</source>
            <translation>Watched recording folders</translation>
        </message>
        <message>
            <source>属于哪位家人</source>
            <translation>Whose phone</translation>
        </message>
        <message>
            <source>这是网络盘（定时检查，不依赖文件变化通知）</source>
            <translation>This is a network drive (check on a timer, not through file notifications)</translation>
        </message>
        <message>
            <source>添加文件夹…</source>
            <translation>Add folder…</translation>
        </message>
        <message>
            <source>保存修改</source>
            <translation>Save changes</translation>
        </message>
        <message>
            <source>移除</source>
            <translation>Remove</translation>
        </message>
    </context>
</TS>
