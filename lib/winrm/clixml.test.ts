import { describe, expect, it } from 'vitest';
import { decodeStderr, parseErrorText, unescapeClixml } from './clixml';

/** What Windows PowerShell 5.1 writes to a redirected stderr for a failing Get-Item, then Write-Warning. */
const PS51 =
  '#< CLIXML\r\n' +
  '<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">' +
  '<Obj S="progress" RefId="0"><TN RefId="0"><T>System.Management.Automation.PSCustomObject</T><T>System.Object</T></TN><MS><I64 N="SourceId">1</I64><PR N="Record"><AV>Preparing modules for first use.</AV><AI>0</AI><Nil /><PI>-1</PI><PC>-1</PC><T>Completed</T><SR>-1</SR><SD> </SD></PR></MS></Obj>' +
  '<S S="Error">Get-Item : Cannot find path \'C:\\nope\' because it does not exist._x000D__x000A_</S>' +
  '<S S="Error">At line:3 char:1_x000D__x000A_</S>' +
  '<S S="Error">+ Get-Item C:\\nope_x000D__x000A_</S>' +
  '<S S="Error">+ ~~~~~~~~~~~~~~~~_x000D__x000A_</S>' +
  '<S S="Error">    + CategoryInfo          : ObjectNotFound: (C:\\nope:String) [Get-Item], ItemNotFoundException_x000D__x000A_</S>' +
  '<S S="Error">    + FullyQualifiedErrorId : PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand_x000D__x000A_</S>' +
  '<S S="Error"> _x000D__x000A_</S>' +
  '<S S="Error">Write-Error : second_x000D__x000A_line_x000D__x000A_</S>' +
  '<S S="Error">At line:7 char:5_x000D__x000A_</S>' +
  '<S S="Error">+     Write-Error "second`nline"_x000D__x000A_</S>' +
  '<S S="Error">+     ~~~~~~~~~~~~~~~~~~~~~~~~~~_x000D__x000A_</S>' +
  '<S S="Error">    + CategoryInfo          : NotSpecified: (:) [Write-Error], WriteErrorException_x000D__x000A_</S>' +
  '<S S="Error">    + FullyQualifiedErrorId : Microsoft.PowerShell.Commands.WriteErrorException_x000D__x000A_</S>' +
  '<S S="Error"> _x000D__x000A_</S>' +
  '<S S="warning">disk almost full_x000D__x000A_</S>' +
  '<S S="verbose">checked 3 nodes</S>' +
  '</Objs>';

/** What pwsh 7.6 writes (captured): ANSI colour codes inside, ConciseView, Write-Host as information records. */
const PWSH7 =
  '#< CLIXML\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><Obj S="information" RefId="0"><TN RefId="0"><T>System.Management.Automation.InformationRecord</T><T>System.Object</T></TN><ToString>stray host output</ToString></Obj></Objs>' +
  '#< CLIXML\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><S S="Error">_x001B_[31;1mWrite-Error: _x001B_[0m_x000A_</S><S S="Error">_x001B_[31;1m_x001B_[36;1mLine |_x001B_[0m_x000A_</S><S S="Error">_x001B_[31;1m_x001B_[36;1m_x001B_[36;1m  13 | _x001B_[0m try{$__o=@(_x001B_[36;1m&amp; $__s @__h_x001B_[0m)}catch{__F $_ \'runtime\'}_x001B_[0m_x000A_</S><S S="Error">_x001B_[31;1m_x001B_[36;1m_x001B_[36;1m_x001B_[0m_x001B_[36;1m_x001B_[0m_x001B_[36;1m     | _x001B_[31;1m            ~~~~~~~~~~~_x001B_[0m_x000A_</S><S S="Error">_x001B_[31;1m_x001B_[36;1m_x001B_[36;1m_x001B_[0m_x001B_[36;1m_x001B_[0m_x001B_[36;1m_x001B_[31;1m_x001B_[31;1m_x001B_[36;1m     | _x001B_[31;1mnonterm_x001B_[0m_x000A_</S></Objs>';

describe('CLIXML stderr', () => {
  it('unescapes _xHHHH_ sequences', () => {
    expect(unescapeClixml('a_x000D__x000A_b_x0009_c')).toBe('a\r\nb\tc');
  });

  it('decodes Windows PowerShell 5.1 error records into message, category, target, line and position', () => {
    const d = decodeStderr(PS51);
    expect(d.clixml).toBe(true);
    expect(d.errors).toHaveLength(2);
    expect(d.errors[0]).toMatchObject({
      message: "Cannot find path 'C:\\nope' because it does not exist.",
      command: 'Get-Item',
      category: 'ObjectNotFound',
      target: 'C:\\nope',
      errorId: 'PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand',
      line: 3,
      position: 1,
    });
    expect(d.errors[1]).toMatchObject({
      message: 'second\nline',
      command: 'Write-Error',
      category: 'NotSpecified',
      target: null,
      line: 7,
      position: 5,
    });
    expect(d.warnings).toEqual(['disk almost full']);
    expect(d.other).toEqual(['checked 3 nodes']);
  });

  it('decodes pwsh 7 output: strips ANSI colours, reads ConciseView, ignores information records', () => {
    const d = decodeStderr(PWSH7);
    expect(d.errors).toHaveLength(1);
    expect(d.errors[0]).toMatchObject({ message: 'nonterm', command: 'Write-Error', line: 13 });
    expect(d.errors[0]?.text).not.toContain('\u001b');
  });

  it('keeps plain (non-CLIXML) stderr as one record', () => {
    const d = decodeStderr(
      "'pwsh' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n",
    );
    expect(d.clixml).toBe(false);
    expect(d.errors[0]?.message).toContain("'pwsh' is not recognized");
  });

  it('survives truncated CLIXML (a killed process)', () => {
    const d = decodeStderr('#< CLIXML\r\n<Objs Version="1.1.0.1"><S S="Error">half');
    expect(d.errors[0]?.message).toContain('half');
  });

  it('parses a single NormalView error text', () => {
    const r = parseErrorText(
      "Stop-Service : Service 'SSISScaleOutMaster160' cannot be stopped.\nAt C:\\scripts\\x.ps1:12 char:9\n+ CategoryInfo : InvalidOperation: (System.ServiceProcess.ServiceController:ServiceController) [Stop-Service], ServiceCommandException",
    );
    expect(r).toMatchObject({
      command: 'Stop-Service',
      line: 12,
      position: 9,
      category: 'InvalidOperation',
      target: 'System.ServiceProcess.ServiceController',
    });
  });
});
